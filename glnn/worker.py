"""The training thread: trains at speed "max" while the main thread renders, and runs the frame's
heavy reading off the frame path: the train/test evaluation for the figures and curves, the
level of detail's choice of connections, the dead-neuron count.

The kernels release the GIL (nogil), so training and drawing overlap on two cores. The
trainer is shared: whoever touches it holds `lock`. The worker trains in chunks of about
2 ms; the main thread asks for the lock through `main_thread()`, and the worker yields
between chunks while it waits, so a frame never waits long.

Background jobs come by kind ("evaluation", "level of detail", "dead-neuron count"): a callable
made by the main thread on copies of what it reads (e.g. glnn.core.trainer.EvaluationJob.run, on
a copy of the weights made under the lock). The worker runs one between chunks without holding
the lock, and leaves its result for the main thread to take. One job of a kind at a time: a new
one replaces a waiting one of its kind. A job that raises is reported once on stderr, in one
line; the thread trains on.
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import Callable

from glnn.core import lazy_kernels

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
        self._jobs: dict[str, Callable[[], object]] = {}  # waiting to run, by kind
        self._results: dict[str, object] = {}  # run and not yet taken, by kind
        self._running: str | None = None  # the kind of the job running now
        self._failed: set[str] = set()  # kinds of job that raised (reported once)
        self.chunk = 256
        self.thread = threading.Thread(target=self._loop, name="glnn-trainer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._jobs:
                self._run_job()
                continue
            if not self._training:
                self._wake.wait(0.05)
                self._wake.clear()
                continue
            if self._main_waiting.is_set():
                time.sleep(0.0005)
                continue
            if not lazy_kernels.loaded():  # a window's first moments: it loads them after its first frame
                lazy_kernels.wait(0.05)
                continue
            with self.lock:
                t0 = time.perf_counter()
                done = self._trainer().steps(self.chunk)
                dt = time.perf_counter() - t0
            if done < self.chunk:  # diverged and stopped: nothing more to do until told again
                self._training = False
            elif dt > 0:
                self.chunk = int(min(MAX_CHUNK, max(MIN_CHUNK, self.chunk * CHUNK_SECONDS / dt)))

    def _run_job(self) -> None:
        kind = next(iter(self._jobs))
        self._running = kind  # before the job leaves the queue, so that pending(kind) is never False meanwhile
        job = self._jobs.pop(kind)
        try:
            self._results[kind] = job()  # no lock: the job has its own copies of what it reads
        except Exception as e:  # e.g. out of memory: say so once; training goes on, a later job may succeed
            if kind not in self._failed:
                self._failed.add(kind)
                print(f"glnn: the {kind} failed on the training thread ({type(e).__name__}: {e})",
                      file=sys.stderr, flush=True)
        finally:
            self._running = None

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

    def submit(self, kind: str, job: Callable[[], object]) -> None:
        """Run job() soon (between two chunks), replacing a job of this kind still waiting."""
        self._jobs[kind] = job
        self._wake.set()

    def pending(self, kind: str) -> bool:
        """A job of this kind is waiting or running."""
        return kind in self._jobs or self._running == kind

    def take(self, kind: str):
        """The result of the job of this kind finished since the last call, or None."""
        return self._results.pop(kind, None)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self.thread.join(timeout=2)
