#!/usr/bin/env python3
"""Input latency of the real window: wall time from an input to the first change it makes on screen.

Launches `glnn` in an Xvfb of its own (paused, so that the screen changes only when answering),
sends real X input events (XTest, the way xdotool does, but timed in this process) and polls
the part of the screen that should answer (XGetImage of a small rectangle every 2 ms) until it
changes. Three kinds of input, each there and back, --trials times, at random moments within
the frame:
  key     Space: the Play button's label turns to Pause (and back);
  click   a click on the Draw tab (and back on Train): the panel's page changes;
  hover   the pointer onto output neuron 0 (and off it): its tooltip and highlight appear.
For each network it runs the window twice in turn: with the frame-time governor (`--quality auto`,
the default) and without (`--quality full`, the baseline), and prints the median, 90th percentile
and worst latency against the goal of 100 ms, the frames per second and the governor's last step.

Usage: scripts/bench_input.py [--trials 8] [--size 1280x720]
The polling itself costs some of the machine (a few per cent of a core on Xvfb).
"""
import argparse
import ctypes
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_start import SCREEN, xvfb  # scripts/ is on the path when this runs as a script

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 100.0
CASES = (("25-16-10", ["--dataset", "digits5", "--hidden", "16"]),
         ("64-256x4-10", ["--dataset", "digits8", "--hidden", "256,256,256,256"]))

# glnn's own entry point; once the kernels are loaded it prints where things are (JSON), and every
# second its frame count and the governor's step
CHILD = """
import json, sys, time
import glnn.app
from glnn.core import lazy_kernels
drawn = glnn.app.App.frame
told = []
def frame(self):
    drawn(self)
    now = time.monotonic()
    if not told and lazy_kernels.loaded():
        told.append(now)
        lay, start = self.layout, int(self.layout.layer_start[len(self.layout.sizes) - 1])
        x, y, r, _ = (float(v) for v in lay.nodes[start])
        print(json.dumps(dict(output0=[x, y, r], panel_w=self.screen.panel.w)), flush=True)
    if told and now - told[-1] >= 1.0:
        told.append(now)
        level = self.governor.level if self.governor is not None else -1
        print(json.dumps(dict(t=now, frames=self.frames_drawn, level=level)), flush=True)
    self.frames_drawn = getattr(self, "frames_drawn", 0) + 1
glnn.app.App.frame = frame
from glnn import cli
sys.exit(cli.main(sys.argv[1:]))
"""


class XImage(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
                ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int),
                ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int)]


class X:
    """The few Xlib and XTest calls this needs, through ctypes (no extra Python package)."""

    def __init__(self, display: str):
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.dpy = self.x11.XOpenDisplay(display.encode())
        if not self.dpy:
            sys.exit(f"bench_input: cannot open display {display}")
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.root = self.x11.XDefaultRootWindow(self.dpy)
        self.x11.XGetImage.restype = ctypes.POINTER(XImage)
        self.x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                                       ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        self.x11.XFree.argtypes = [ctypes.c_void_p]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_ulong]
        self.xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]

    def close(self) -> None:
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay(self.dpy)

    def grab(self, box) -> bytes:
        x, y, w, h = (int(v) for v in box)
        img = self.x11.XGetImage(self.dpy, self.root, x, y, w, h, 0xFFFFFFFF, 2)  # ZPixmap
        if not img:
            sys.exit("bench_input: XGetImage failed")
        data = ctypes.string_at(img.contents.data, img.contents.bytes_per_line * img.contents.height)
        self.x11.XFree(img.contents.data)
        self.x11.XFree(img)
        return data

    def move(self, x: float, y: float) -> None:
        self.xtst.XTestFakeMotionEvent(self.dpy, -1, int(x), int(y), 0)
        self.x11.XFlush(self.dpy)

    def click(self) -> None:
        self.xtst.XTestFakeButtonEvent(self.dpy, 1, 1, 0)
        self.xtst.XTestFakeButtonEvent(self.dpy, 1, 0, 0)
        self.x11.XFlush(self.dpy)

    def key(self, name: str) -> None:
        code = self.x11.XKeysymToKeycode(self.dpy, self.x11.XStringToKeysym(name.encode()))
        self.xtst.XTestFakeKeyEvent(self.dpy, code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.dpy, code, 0, 0)
        self.x11.XFlush(self.dpy)


def inside(box, size) -> tuple[int, int, int, int]:
    """The part of box (x, y, w, h) on the screen (XGetImage refuses anything beyond it)."""
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(size[0], int(box[0] + box[2])), min(size[1], int(box[1] + box[3]))
    return x0, y0, x1 - x0, y1 - y0


def latency(x: X, box, act, timeout: float = 5.0) -> float | None:
    """Milliseconds from `act` (sending the input) until the screen in `box` changes; None if it never does.
    Waits first for the box to hold still (nothing else is changing it)."""
    before = x.grab(box)
    still = waited = time.perf_counter()
    while time.perf_counter() - still < 0.08 and time.perf_counter() - waited < 3.0:
        now = x.grab(box)
        if now != before:
            before, still = now, time.perf_counter()
        time.sleep(0.005)
    t0 = time.perf_counter()
    act()
    while time.perf_counter() - t0 < timeout:
        if x.grab(box) != before:
            return (time.perf_counter() - t0) * 1000
        time.sleep(0.002)
    return None


def measure(label: str, args: list[str], quality: str, trials: int, size: tuple[int, int], display: str,
            cwd: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYOPENGL_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    cmd = [sys.executable, "-c", CHILD, "--size", f"{size[0]}x{size[1]}", "--quality", quality, *args]
    log = Path(cwd) / "glnn.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        where = json.loads(proc.stdout.readline() or "null")
        if where is None:
            proc.wait(10)
            sys.exit(f"bench_input: glnn did not start: {log.read_text()[-2000:]}")
        subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^glnn$", "windowmove", "0", "0"],
                       env=env, capture_output=True, timeout=20)
        time.sleep(8.0)  # the governor settles (it judges 5 frames a step)
        x = X(display)
        panel_w = where["panel_w"]
        ox, oy, r = where["output0"]
        blank = (panel_w + 20, size[1] - 10)  # the bottom left corner of the scene: nothing to hover there
        x.move(*blank)
        tab_y, draw_x, train_x = 46, 88, 33  # the tab row at text size 1 (--size fixes it)
        kinds = {
            "key": ((0, 62, panel_w, 36), [lambda: x.key("space")] * 2),
            "click": ((0, 62, panel_w, 240), [lambda: (x.move(draw_x, tab_y), x.click()),
                                              lambda: (x.move(train_x, tab_y), x.click())]),
            # the neuron and where its tooltip opens (below right of the pointer, or left of it at the edge)
            "hover": ((ox - 260, oy - r - 4, 520, 2 * r + 90), [lambda: x.move(ox, oy), lambda: x.move(*blank)]),
        }
        kinds = {kind: (inside(box, size), acts) for kind, (box, acts) in kinds.items()}  # main() fits size in SCREEN
        found: dict[str, list[float | None]] = {k: [] for k in kinds}
        rng = random.Random(1)
        for _ in range(trials):
            for kind, (box, acts) in kinds.items():
                for act in acts:
                    time.sleep(rng.uniform(0.3, 0.6))  # a random moment within the frame, after the last answer
                    found[kind].append(latency(x, box, act))
                x.move(*blank)
        x.close()
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    reports = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    lines = [r for r in reports if "frames" in r]
    fps = ((lines[-1]["frames"] - lines[0]["frames"]) / (lines[-1]["t"] - lines[0]["t"]) if len(lines) > 1
           else float("nan"))
    return dict(found=found, fps=fps, level=lines[-1]["level"] if lines else None)


def summary(values: list[float | None]) -> str:
    answered = sorted(v for v in values if v is not None)
    missed = len(values) - len(answered)
    if not answered:
        return "no answer"
    p90 = answered[min(len(answered) - 1, int(round(0.9 * (len(answered) - 1))))]
    within = sum(v <= GOAL_MS for v in answered)
    text = f"{statistics.median(answered):6.0f} {p90:6.0f} {answered[-1]:6.0f}   {within:2d}/{len(values)}"
    return text + (f"  ({missed} unanswered)" if missed else "")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trials", type=int, default=8, help="of each input, there and back (default 8)")
    p.add_argument("--size", default="1280x720")
    args = p.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    if size[0] > SCREEN[0] or size[1] > SCREEN[1]:
        sys.exit(f"bench_input: --size {args.size} is larger than the Xvfb screen, {SCREEN[0]}x{SCREEN[1]}")
    proc, display = xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="glnn-input-") as cwd:
            print(f"input to screen, ms of wall time (goal {GOAL_MS:.0f}), window {args.size} under Xvfb, paused, "
                  f"{args.trials} trials there and back")
            print(f"{'network':<13} {'quality':<8} {'input':<6} {'median':>6} {'p90':>6} {'worst':>6}  "
                  f"{'within':>6}   frames/s  governor step")
            for label, case in CASES:
                for quality in ("auto", "full"):
                    r = measure(label, case, quality, args.trials, size, display, cwd)
                    step = "-" if r["level"] in (None, -1) else str(r["level"])
                    for k, (kind, values) in enumerate(r["found"].items()):
                        tail = f"   {r['fps']:6.1f}    {step}" if k == 0 else ""
                        print(f"{label:<13} {quality:<8} {kind:<6} {summary(values)}{tail}", flush=True)
    finally:
        proc.kill()
        proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
