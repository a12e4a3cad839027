#!/usr/bin/env python3
"""Warm start: seconds from launching `glnn` to its first frame, with a warm Numba cache.

Launches the real window (under an Xvfb of its own when $DISPLAY is not set) once to warm the
caches (Numba's compiled kernels, Python's bytecode, the operating system's file cache), then
--runs more times, and prints the median, the fastest and the slowest, against the goal of
1.5 s. The clock starts before the process is spawned and stops when App.frame() has drawn the
first frame, so it counts the interpreter, every import, building the trainer and the network,
opening the window and GL, and the first frame's work. Also printed: how long the imports alone
take in a fresh interpreter (the rest of the time is ours).

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

# glnn's own entry point, with App.frame told to report the first frame and end the process
FIRST_FRAME = """
import os, sys, time
import glnn.app
drawn = glnn.app.App.frame
def frame(self):
    drawn(self)
    print(f"first frame {time.time():.6f}", flush=True)
    os._exit(0)
glnn.app.App.frame = frame
from glnn import cli
sys.exit(cli.main(sys.argv[1:]))
"""

IMPORTS = "import pyglet, numba, numpy, imgui_bundle.imgui, glnn.app, glnn.cli, glnn.core.trainer, glnn.controller"


def xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb on a display number it chooses itself."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        sys.exit("bench_start: Xvfb did not start")
    return proc, f":{number}"


def launch(args: list[str], env: dict, cwd: str) -> float:
    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", FIRST_FRAME, *args], capture_output=True, text=True, env=env,
                       cwd=cwd, timeout=300)
    lines = [line for line in r.stdout.splitlines() if line.startswith("first frame ")]
    if not lines:
        sys.exit(f"bench_start: glnn drew no frame (exit {r.returncode}):\n{r.stderr.strip()}")
    return float(lines[-1].split()[-1]) - t0


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
            warm = launch(glnn_args, env, cwd)
            times = [launch(glnn_args, env, cwd) for _ in range(args.runs)]
            import_times = [imports(env, cwd) for _ in range(3)]
    finally:
        if server is not None:
            server.kill()
    median = statistics.median(times)
    print(f"glnn {' '.join(glnn_args)}: launch to first frame, warm caches, {args.runs} runs")
    print(f"  warm-up run      {warm:6.2f} s")
    print(f"  median           {median:6.2f} s   (fastest {min(times):.2f}, slowest {max(times):.2f})")
    print(f"  imports alone    {statistics.median(import_times):6.2f} s   (a fresh interpreter: python, numpy, "
          "numba, pyglet, imgui-bundle, glnn)")
    print(f"  goal             {GOAL_SECONDS:6.2f} s   {'met' if median <= GOAL_SECONDS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
