"""The training thread: trains at speed "max" while the main thread renders, and evaluates the
train/test sets for the figures and curves off the frame path.

The kernels release the GIL (nogil), so training and drawing overlap on two cores. The
trainer is shared: whoever touches it holds `lock`. The worker trains in chunks of about
2 ms; the main thread asks for the lock through `main_thread()`, and the worker yields
between chunks while it waits, so a frame never waits long.

Evaluations come as jobs (glnn.core.trainer.EvaluationJob: a copy of the weights, made by the
main thread under the lock); the worker runs one between chunks without holding the lock, and
leaves the result for the main thread to collect. One job at a time: a new one replaces a
waiting one.
"""
from __future__ import annotations

import contextlib
import threading
import time
from typing import Callable

CHUNK_SECONDS = 0.002  # the worker holds the lock for about this long per chunk
MIN_CHUNK, MAX_CHUNK = 64, 1 << 16


class TrainingWorker:
    def __init__(self, trainer: Callable[[], object]):
        """`trainer` returns the trainer to train now (a loaded file replaces the controller's)."""
        self._trainer = trainer
        self.lock = threading.Lock()
        self._training = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._main_waiting = threading.Event()
        self._job = None  # an evaluation waiting to run
        self._result = None  # the last evaluation run, until collected
        self._busy = False  # an evaluation is running
        self.chunk = 256
        self.thread = threading.Thread(target=self._loop, name="glnn-trainer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            job, self._job = self._job, None
            if job is not None:
                self._busy = True
                self._result = job.run()  # no lock: the job has its own copy of the weights
                self._busy = False
                continue
            if not self._training:
                self._wake.wait(0.05)
                self._wake.clear()
                continue
            if self._main_waiting.is_set():
                time.sleep(0.0005)
                continue
            with self.lock:
                t0 = time.perf_counter()
                done = self._trainer().steps(self.chunk)
                dt = time.perf_counter() - t0
            if done < self.chunk:  # diverged and stopped: nothing more to do until told again
                self._training = False
            elif dt > 0:
                self.chunk = int(min(MAX_CHUNK, max(MIN_CHUNK, self.chunk * CHUNK_SECONDS / dt)))

    @contextlib.contextmanager
    def main_thread(self):
        """Hold the trainer from the main thread, asking the worker to yield first."""
        self._main_waiting.set()
        self.lock.acquire()
        try:
            yield
        finally:
            self.lock.release()
            self._main_waiting.clear()

    def set_running(self, running: bool) -> None:
        if running != self._training:
            self._training = running
            if running:
                self._wake.set()

    def evaluate(self, job) -> None:
        """Run this evaluation job soon (between two chunks), replacing one still waiting."""
        self._job = job
        self._wake.set()

    @property
    def evaluating(self) -> bool:
        """An evaluation is waiting or running."""
        return self._job is not None or self._busy

    def collect(self):
        """The evaluation finished since the last call, or None."""
        result, self._result = self._result, None
        return result

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self.thread.join(timeout=2)
