#!/usr/bin/env python3
"""Warm start: seconds from launching `glnn` to its first frame, with a warm Numba cache.

Launches the real window (under an Xvfb of its own when $DISPLAY is not set) once to warm the
caches (Numba's compiled kernels, Python's bytecode, the operating system's file cache), then
--runs more times, and prints the median, the fastest and the slowest, against the goal of
1.5 s. The clock starts before the process is spawned and stops when App.frame() has drawn the
first frame, so it counts the interpreter, every import, building the trainer and the network,
opening the window and GL, and the first frame's work. The window loads Numba and its kernels
after that frame (glnn.core.lazy_kernels): also printed are when the first frame with the kernels
loaded was drawn (training can run from then on), whether Numba was imported before the first
frame (it should not be), and how long the first frame's imports alone take in a fresh
interpreter.

Usage: scripts/bench_start.py [--runs 5] [glnn arguments...]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 1.5
SCREEN = (1280, 800)  # the Xvfb's screen

# glnn's own entry point, with App.frame told to report the first frame, then the first one drawn with
# the kernels loaded, and to end the process there
FIRST_FRAME = """
import os, sys, time
import glnn.app
from glnn.core import lazy_kernels
drawn = glnn.app.App.frame
first = []
def frame(self):
    drawn(self)
    if not first:
        first.append(time.time())
        print(f"first frame {first[0]:.6f} {'numba' in sys.modules}", flush=True)
    if lazy_kernels.loaded():
        print(f"kernels loaded {time.time():.6f}", flush=True)
        os._exit(0)
glnn.app.App.frame = frame
from glnn import cli
sys.exit(cli.main(sys.argv[1:]))
"""

# what a window imports before its first frame (not Numba)
IMPORTS = ("import pyglet, numpy, imgui_bundle.imgui, imgui_bundle.implot, glnn.app, glnn.cli, glnn.launch, "
           "glnn.core.trainer, glnn.controller")


def xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb on a display number it chooses itself."""
    read_fd, write_fd = os.pipe()
    screen = f"{SCREEN[0]}x{SCREEN[1]}x24"
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        sys.exit("bench_start: Xvfb did not start")
    return proc, f":{number}"


def launch(args: list[str], env: dict, cwd: str) -> tuple[float, float, bool]:
    """(seconds to the first frame, seconds to the first frame with the kernels loaded, whether Numba was
    imported before the first frame)."""
    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", FIRST_FRAME, *args], capture_output=True, text=True, env=env,
                       cwd=cwd, timeout=300)
    first = [line.split() for line in r.stdout.splitlines() if line.startswith("first frame ")]
    loaded = [line.split() for line in r.stdout.splitlines() if line.startswith("kernels loaded ")]
    if not first or not loaded:
        sys.exit(f"bench_start: glnn did not draw its frames (exit {r.returncode}):\n{r.stderr.strip()}")
    return float(first[0][2]) - t0, float(loaded[0][2]) - t0, first[0][3] == "True"


def imports(env: dict, cwd: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORTS], check=True, env=env, cwd=cwd)
    return time.perf_counter() - t0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5, help="timed launches after the warm-up one (default 5)")
    args, glnn_args = p.parse_known_args()
    glnn_args = glnn_args or ["--size", "1280x720"]
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="glnn-start-") as cwd:  # nothing a run writes lands here
            # bytecode cached as an installed glnn's is (a checkout's would go to __pycache__ beside the
            # sources): in the temporary directory, whatever PYTHONDONTWRITEBYTECODE says here
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=os.path.join(cwd, "pycache"))
            if not os.environ.get("DISPLAY"):
                server, env["DISPLAY"] = xvfb()
            warm = launch(glnn_args, env, cwd)[0]
            runs = [launch(glnn_args, env, cwd) for _ in range(args.runs)]
            import_times = [imports(env, cwd) for _ in range(3)]
    finally:
        if server is not None:
            server.kill()
    times = [t for t, _, _ in runs]
    median = statistics.median(times)
    numba_first = sum(early for _, _, early in runs)
    print(f"glnn {' '.join(glnn_args)}: launch to first frame, warm caches, {args.runs} runs")
    print(f"  warm-up run      {warm:6.2f} s")
    print(f"  median           {median:6.2f} s   (fastest {min(times):.2f}, slowest {max(times):.2f})")
    print(f"  kernels loaded   {statistics.median(t for _, t, _ in runs):6.2f} s   (median: the first frame drawn "
          "with them, from when training runs)")
    print(f"  Numba imported   {numba_first} of {args.runs} runs before the first frame")
    print(f"  imports alone    {statistics.median(import_times):6.2f} s   (a fresh interpreter: python, numpy, "
          "pyglet, imgui-bundle, glnn; what the first frame needs)")
    print(f"  goal             {GOAL_SECONDS:6.2f} s   {'met' if median <= GOAL_SECONDS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
