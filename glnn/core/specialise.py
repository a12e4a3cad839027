"""Training kernels specialised to one network: loaded from Numba's cache, or compiled in a child process.

A specialised kernel (glnn.core.kernels.specialised_train_steps) has the network's depth, input
and output counts, activation, loss, bias and whether batches are single samples fixed when it
compiles, and trains 10-20% faster than the generic kernel, with the same results bit for bit:
the trainer may switch from one to the other at any iteration.

Compiling one takes seconds, and Numba holds the GIL while it compiles, so this process never
does: a child process (`python -m glnn.core.specialise SPEC`, at low priority) compiles it into
Numba's on-disk cache, and this process then loads it from there, which takes milliseconds. The
cache is Numba's, where it keeps the generic kernels (beside kernels.py, or in the user's cache
directory when that is not writable): entries are keyed by the kernel's bytecode and
specialisation, the argument types, the CPU and Numba's version, and are dropped when kernels.py
changes, so a cache never outlives the code it was compiled from.

`kernel(spec)` never waits: it returns the specialised kernel if it is loaded or in the cache,
else None, and the caller trains with the generic kernel meanwhile. When `background` is on (the
window turns it on) it also starts a child to compile the kernel, one child at a time, and a later
call after the child has finished loads it. Scripts and tests, which build many short-lived
trainers, leave it off and get specialised kernels only from a warm cache. `ensure(spec)` waits
for one (glnn bench). Importing this module does not import Numba: the window sets `background`
before its first frame (glnn.core.lazy_kernels).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

background = False  # compile missing kernels in a child process (see the module's docstring)

_ready: dict[tuple, object] = {}  # spec -> loaded kernel
_jobs: dict[tuple, subprocess.Popen] = {}  # spec -> child compiling it
_absent: set[tuple] = set()  # looked for in the cache, not there
_failed: set[tuple] = set()  # a child could not make it: the generic kernel for the rest of this process


def kernel(spec: tuple):
    """The training kernel specialised to `spec` (glnn.core.shape.spec_for) if it is ready now, else None."""
    found = _ready.get(spec)
    if found is not None or spec in _failed:
        return found
    job = _jobs.get(spec)
    if job is not None:
        if job.poll() is None:
            return None  # still compiling
        del _jobs[spec]
        found = _load(spec) if job.returncode == 0 else None
        if found is None:
            _failed.add(spec)
        return found
    if spec not in _absent:
        found = _load(spec)
        if found is not None:
            return found
        _absent.add(spec)
    if background and not any(j.poll() is None for j in _jobs.values()):
        _jobs[spec] = _start(spec)
    return None


def ensure(spec: tuple, timeout: float = 900.0):
    """The kernel specialised to `spec`, compiling it in a child process if need be and waiting for
    that; None if it could not be made."""
    found = kernel(spec)
    if found is not None or spec in _failed:
        return found
    job = _jobs.get(spec) or _jobs.setdefault(spec, _start(spec))
    try:
        job.wait(timeout)
    except subprocess.TimeoutExpired:
        return None
    return kernel(spec)


def _load(spec: tuple):
    """The kernel for spec from Numba's disk cache, or None when it is not there. Never compiles.

    Numba has no public call for "load, but do not compile": this is the first step of
    Dispatcher.compile, and anything unexpected counts as not found.
    """
    from numba.core.compiler_lock import global_compiler_lock

    from glnn.core import kernels
    dispatcher = kernels.specialised_train_steps(spec)
    signature = kernels.train_signature()
    try:
        with global_compiler_lock:
            result = dispatcher._cache.load_overload(signature, dispatcher.targetctx)
            if result is None:
                return None
            dispatcher.targetctx.insert_user_function(result.entry_point, result.fndesc, [result.library])
            dispatcher.add_overload(result)
    except Exception:
        return None
    dispatcher.disable_compile()  # arguments of other types raise instead of compiling in this process
    _ready[spec] = dispatcher
    return dispatcher


def _start(spec: tuple) -> subprocess.Popen:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # glnn importable in the child however this process found it
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.Popen([sys.executable, "-m", "glnn.core.specialise", json.dumps(list(spec))], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    """The child: compile the kernel for the spec given as JSON into the cache, and check that it loads."""
    try:
        os.nice(10)  # the window's process comes first
    except (AttributeError, OSError):
        pass
    spec = tuple(json.loads(argv[0]))
    from glnn.core import kernels
    kernels.specialised_train_steps(spec).compile(kernels.train_signature())
    return 0 if _load(spec) is not None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
