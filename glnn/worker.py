"""The training thread: trains at speed "max" while the main thread renders.

The kernels release the GIL (nogil), so training and drawing overlap on two cores. The
trainer is shared: whoever touches it holds `lock`. The worker trains in chunks of about
2 ms; the main thread asks for the lock through `main_thread()`, and the worker yields
between chunks while it waits, so a frame never waits long.
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
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._main_waiting = threading.Event()
        self.chunk = 256
        self.thread = threading.Thread(target=self._loop, name="glnn-trainer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self._wanted.wait(0.05):
                continue
            if self._main_waiting.is_set():
                time.sleep(0.0005)
                continue
            with self.lock:
                t0 = time.perf_counter()
                done = self._trainer().steps(self.chunk)
                dt = time.perf_counter() - t0
            if done < self.chunk:  # diverged and stopped: nothing more to do until told again
                self._wanted.clear()
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
        (self._wanted.set if running else self._wanted.clear)()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        self.thread.join(timeout=2)
