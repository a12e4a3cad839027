#!/usr/bin/env python3
"""UI fuzzer: thousands of random mouse, keyboard and window events into the real glnn window.

Starts its own Xvfb (a free display number, unless --display names one), starts
`python -m glnn` in it, and sends --events random events from a seeded RNG through
xdotool, many per xdotool invocation: pointer moves anywhere, left/right/middle clicks,
drags (among them drags across the panel's sliders to far beyond both ends), wheel
scrolls, key presses (Space, S, R, H, F, other letters, digits, editing keys, a few
modifier chords), window resizes (down to a few pixels), and composite actions on
the panel: picking datasets, activations, losses and palettes in the Settings tab's
combos while training runs, adding and removing hidden layers, typing into the
"Train N" field, painting in the Draw tab, clicking the training-image strip.
About half of the clicks land on the panel (x 0..350), most of them on a real widget.

--kiosk runs glnn with --kiosk --idle-timeout 5: Escape and F are sent too (they must be
ignored there), never the quit chord ctrl+shift+q, and a few idle pauses let the attract
demo start so that the next event interrupts it.

Problems are found from outside, and through glnn's self-check (GLNN_CHECK_FINITE=1 makes it
print a line on stderr whenever a number it shows -- loss, accuracy, rates, activations,
weights, the curves -- is NaN or infinite):
  (a) glnn exits before the end (or, at the end, with a non-zero status),
  (b) "Traceback" or an "...Error" appears on its stderr,
  (c) at the end the window is gone or the screen does not change within a few seconds
      of an input (H, Space, a resize) -- a hung or dead event loop,
  (e) asked to quit (Esc in a window, the quit chord in kiosk mode, where Esc must be
      ignored), it does not exit with status 0 within 20 s.
  (d) glnn's self-check reports a non-finite number on screen.

Prints the number of events, the time, events/s, glnn's resident memory (VmRSS) at the
start, the peak and the end, then PASS or FAIL with the reasons. Exit status 0 on PASS only.
glnn runs in a temporary directory (kept, with its logs, on FAIL or --keep-logs), so the networks
the fuzzer saves through the Settings tab never land in the checkout or the caller's directory.

Usage: scripts/fuzz_ui.py --events N --seed S [--display :N] [--kiosk] [--rate R]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# -- the panel at text size 1.0 (window coordinates; measured on screenshots) ---------------------
PANEL_W = 350
TABS = {"train": (33, 45), "draw": (88, 45), "settings": (153, 45)}
HELP = (318, 16)
TRAIN_BUTTONS = {"play": (58, 79), "step": (167, 79), "reset": (277, 79), "train_n": (52, 113),
                 "train_n_field": (185, 113), "minus": (282, 113), "plus": (313, 113),
                 "max": (223, 215), "log_x": (21, 517)}
SLIDERS = {  # name: (tab, x0, x1, y) -- the track; ImGui sliders jump to where they are pressed
    "hidden neurons": ("train", 10, 215, 147),
    "learning rate": ("train", 10, 215, 181),
    "speed": ("train", 10, 155, 215),
    "glow strength": ("settings", 10, 232, 363),
    "text size": ("settings", 10, 232, 397),
}
PLOT = (10, 378, 325, 495)  # x0, y0, x1, y1 (ImPlot: drag pans, wheel zooms, right-drag box-zooms)
OUTPUT_BARS = (10, 560, 330, 715)
COMBOS = {"dataset": (103, 7), "activation": (137, 3), "loss": (171, 2), "palette": (295, 2)}  # y, items
COMBO_X = (15, 200)
COMBO_ITEM_DY, COMBO_ITEM_H = 30, 24  # first item 30 px below the combo, then every 24 px
SETTINGS_BUTTONS = {"biases": (21, 205), "layers+": (136, 234), "layers-": (175, 234), "glow": (21, 329)}
DRAW_GRID = (10, 125, 266, 381)
DRAW_BUTTONS = {"clear": (33, 405), "feed": (125, 405)}

LETTERS = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
EDIT_KEYS = ("Return", "BackSpace", "Tab", "Left", "Right", "Up", "Down", "Delete", "Home", "End",
             "minus", "period", "comma", "KP_Add", "KP_Subtract", "Page_Up", "Page_Down", "F1", "F11")
TRACEBACK = re.compile(r"Traceback|\b\w*Error\b|self-check")


class Fail(Exception):
    pass


# -- processes ----------------------------------------------------------------------------------
def start_xvfb(screen: str, log) -> tuple[subprocess.Popen, str]:
    """Xvfb on the first free display number (it picks and reports it through -displayfd)."""
    if not shutil.which("Xvfb"):
        raise Fail("Xvfb is not installed")
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{screen}x24", "+extension", "GLX",
                             "-nolisten", "tcp", "-noreset"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                            stderr=log, start_new_session=True)
    os.close(w)
    text = b""
    deadline = time.monotonic() + 20
    try:
        while not text.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or proc.poll() is not None:
                raise Fail("Xvfb did not start (no display number within 20 s)")
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                chunk = os.read(r, 64)
                if not chunk:
                    raise Fail("Xvfb did not start (closed -displayfd without a number)")
                text += chunk
    finally:
        os.close(r)
    return proc, ":" + text.decode().strip()


def stop(proc: subprocess.Popen | None, grace: float = 5.0) -> None:
    """End a process this script started (by its id only)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Xdo:
    """xdotool on one display; one process per call, many commands per call."""

    def __init__(self, display: str):
        self.env = {**os.environ, "DISPLAY": display}
        self.calls = 0
        self.failures = 0
        self.last_error = ""

    def run(self, args: list[str], timeout: float = 30) -> subprocess.CompletedProcess:
        self.calls += 1
        try:
            r = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.failures += 1
            self.last_error = f"xdotool timed out after {timeout} s"
            return subprocess.CompletedProcess(args, 124, "", self.last_error)
        if r.returncode != 0:
            self.failures += 1
            self.last_error = r.stderr.strip()[-300:]
        return r

    def window(self) -> tuple[str, int, int, int, int] | None:
        """(id, x, y, width, height) of glnn's visible main window, the largest if several."""
        r = self.run(["search", "--onlyvisible", "--name", "^glnn$"], timeout=10)
        best = None
        for wid in r.stdout.split():
            g = self.run(["getwindowgeometry", "--shell", wid], timeout=10)
            v = dict(line.split("=", 1) for line in g.stdout.splitlines() if "=" in line)
            try:
                geom = (wid, int(v["X"]), int(v["Y"]), int(v["WIDTH"]), int(v["HEIGHT"]))
            except (KeyError, ValueError):
                continue
            if best is None or geom[3] * geom[4] > best[3] * best[4]:
                best = geom
        if r.returncode != 0 and best is None:
            self.failures -= 1  # "no window found" is an answer here, not an xdotool failure
        return best


class Glnn:
    def __init__(self, args, display: str, workdir: Path):
        self.err_path = workdir / "glnn.stderr"
        self.out_path = workdir / "glnn.stdout"
        self._err_offset = 0
        self.bad_lines: list[str] = []
        cmd = [args.python, "-m", "glnn", "--size", args.size, "--play"]
        if args.kiosk:
            cmd += ["--kiosk", "--idle-timeout", str(args.idle_timeout)]
        env = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1", "GLNN_CHECK_FINITE": "1",
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        self.cmd = cmd
        # run in the fuzzer's temporary directory: what it types into the Save box lands there, not in the checkout
        self.proc = subprocess.Popen(cmd, cwd=str(workdir), env=env, stdin=subprocess.DEVNULL,
                                     stdout=open(self.out_path, "wb"), stderr=open(self.err_path, "wb"),
                                     start_new_session=True)

    def stderr_text(self) -> str:
        try:
            return self.err_path.read_text(errors="replace")
        except OSError:
            return ""

    def scan_stderr(self) -> bool:
        """Look at what glnn wrote to stderr since the last look; True if it holds an error."""
        text = self.stderr_text()
        new, self._err_offset = text[self._err_offset:], len(text)
        found = [line for line in new.splitlines() if TRACEBACK.search(line)]
        self.bad_lines += found
        return bool(found)


# -- the events ---------------------------------------------------------------------------------
class Fuzzer:
    def __init__(self, rng: random.Random, kiosk: bool, idle_timeout: float):
        self.rng = rng
        self.kiosk = kiosk
        self.idle_timeout = idle_timeout
        self.counts: dict[str, int] = {}
        self.win = (0, 0, 1024, 640)  # x, y, w, h of the window, refreshed before every batch
        self.screen = (1280, 800)

    # coordinates ---------------------------------------------------------------------------
    def _abs(self, x: float, y: float) -> list[str]:
        """Screen coordinates of window point (x, y), kept on the screen (xdotool reads -5 as an option)."""
        wx, wy, _, _ = self.win
        sw, sh = self.screen
        return [str(min(sw - 1, max(0, int(wx + x)))), str(min(sh - 1, max(0, int(wy + y))))]

    def _move(self, x: float, y: float) -> list[str]:
        return ["mousemove", *self._abs(x, y)]

    def _anywhere(self) -> tuple[float, float]:
        r = self.rng
        _, _, w, h = self.win
        roll = r.random()
        if roll < 0.45:
            return r.uniform(0, min(PANEL_W, w)), r.uniform(0, h)  # the panel
        if roll < 0.97:
            return r.uniform(0, w), r.uniform(0, h)  # anywhere in the window
        sw, sh = self.screen
        return r.uniform(-self.win[0], sw - self.win[0] - 1), r.uniform(-self.win[1], sh - self.win[1] - 1)

    def _jitter(self, p: tuple[float, float], d: float = 4) -> tuple[float, float]:
        return p[0] + self.rng.uniform(-d, d), p[1] + self.rng.uniform(-d, d)

    def _strip(self) -> tuple[float, float]:
        _, _, w, h = self.win
        cx = PANEL_W + (w - PANEL_W) / 2
        return self.rng.uniform(cx - 240, cx + 240), self.rng.uniform(h - 90, h - 30)

    def _click_at(self, p, button: int = 1) -> list[str]:
        return [*self._move(*p), "click", "--delay", "0", str(button)]

    def _tab(self, name: str) -> list[str]:
        return self._click_at(self._jitter(TABS[name], 3))

    # one event each ------------------------------------------------------------------------
    def move(self) -> list[str]:
        return self._move(*self._anywhere())

    def click(self) -> list[str]:
        r = self.rng
        button = r.choices((1, 3, 2), (80, 15, 5))[0]
        roll = r.random()
        if roll < 0.30:
            p = self._jitter(r.choice(list(TRAIN_BUTTONS.values()) + list(TABS.values()) + [HELP]))
        elif roll < 0.40:
            p = self._jitter(r.choice(list(SETTINGS_BUTTONS.values()) + list(DRAW_BUTTONS.values())))
        elif roll < 0.55:
            p = self._strip()
        else:
            p = self._anywhere()
        cmd = self._click_at(p, button)
        if r.random() < 0.08:
            cmd += ["click", "--repeat", "2", "--delay", "40", str(button)]  # a double click
        return cmd

    def drag(self) -> list[str]:
        r = self.rng
        roll = r.random()
        button = "1"
        if roll < 0.55:  # a slider, to an extreme (or somewhere inside)
            name = r.choice(list(SLIDERS))
            tab, x0, x1, y = SLIDERS[name]
            cmd = self._tab(tab) if r.random() < 0.7 else []
            start = (r.uniform(x0, x1), y + r.uniform(-5, 5))
            end_roll = r.random()
            if end_roll < 0.4:
                end = (x0 - r.uniform(5, 300), y + r.uniform(-30, 30))  # far left, past the end
            elif end_roll < 0.8:
                end = (x1 + r.uniform(5, 600), y + r.uniform(-30, 30))  # far right, past the end
            else:
                end = (r.uniform(x0, x1), y)
            self.counts["slider drags"] = self.counts.get("slider drags", 0) + 1
        elif roll < 0.65:  # paint in the draw tab
            cmd = self._tab("draw") if r.random() < 0.6 else []
            gx0, gy0, gx1, gy1 = DRAW_GRID
            start = (r.uniform(gx0, gx1), r.uniform(gy0, gy1))
            end = (r.uniform(gx0 - 20, gx1 + 20), r.uniform(gy0 - 20, gy1 + 20))
            button = r.choice("113")
        elif roll < 0.75:  # pan or box-zoom the loss plot
            cmd = self._tab("train") if r.random() < 0.6 else []
            px0, py0, px1, py1 = PLOT
            start = (r.uniform(px0, px1), r.uniform(py0, py1))
            end = (start[0] + r.uniform(-400, 400), start[1] + r.uniform(-200, 200))
            button = r.choice("1133")
        else:  # anywhere: scene, panel scroll bar, across the panel's edge, off the window
            cmd = []
            start, end = self._anywhere(), self._anywhere()
        steps = r.randint(2, 7)
        cmd += [*self._move(*start), "mousedown", button]
        for k in range(1, steps + 1):
            t = k / steps
            cmd += self._move(start[0] + (end[0] - start[0]) * t + r.uniform(-3, 3),
                              start[1] + (end[1] - start[1]) * t + r.uniform(-3, 3))
        return cmd + ["mouseup", button]

    def scroll(self) -> list[str]:
        r = self.rng
        roll = r.random()
        if roll < 0.3:
            px0, py0, px1, py1 = PLOT
            p = (r.uniform(px0, px1), r.uniform(py0, py1))
        elif roll < 0.5:
            p = (r.uniform(0, PANEL_W), r.uniform(0, self.win[3]))
        else:
            p = self._anywhere()
        return [*self._move(*p), "click", "--repeat", str(r.randint(1, 6)), "--delay", "0", r.choice("4545" + "67")]

    def key(self) -> list[str]:
        r = self.rng
        roll = r.random()
        if roll < 0.45:
            keys = ["space", "s", "r", "h", "f"] if not self.kiosk else ["space", "s", "r", "h", "f", "Escape"]
            k = r.choices(keys, (30, 20, 12, 10, 4) + ((12,) if self.kiosk else ()))[0]
        elif roll < 0.75:
            k = r.choice(LETTERS + DIGITS)
        elif roll < 0.9:
            k = r.choice(EDIT_KEYS)
        else:  # a chord; never the kiosk quit chord
            mods = r.sample(["ctrl", "shift", "alt"], r.randint(1, 2))
            base = r.choice(LETTERS + DIGITS)
            if base == "q" and "ctrl" in mods and "shift" in mods:
                base = "w"
            k = "+".join(mods + [base])
        return ["key", "--delay", "0", k]

    def resize(self) -> list[str]:
        r = self.rng
        sw, sh = self.screen
        if r.random() < 0.12:
            w, h = r.randint(1, 160), r.randint(1, 120)  # tiny
        else:
            w, h = r.randint(300, sw), r.randint(200, sh)
        return ["__window__", "windowsize", "__wid__", str(w), str(h)]

    def combo(self) -> list[str]:
        """Settings tab: open a combo and pick an item (mid-training: glnn plays from the start)."""
        r = self.rng
        name = r.choices(list(COMBOS), (5, 3, 2, 1))[0]
        y, n = COMBOS[name]
        cmd = self._tab("settings") + self._click_at((r.uniform(*COMBO_X), y + r.uniform(-5, 5)))
        if r.random() < 0.9:
            item = r.randrange(n)
            cmd += self._click_at((r.uniform(*COMBO_X), y + COMBO_ITEM_DY + item * COMBO_ITEM_H + r.uniform(-6, 6)))
        else:  # close it by clicking elsewhere, or scroll over it
            cmd += self._click_at(self._anywhere()) if r.random() < 0.5 else ["click", "--repeat", "3", "--delay", "0", "5"]
        self.counts[f"combo {name}"] = self.counts.get(f"combo {name}", 0) + 1
        return cmd

    def architecture(self) -> list[str]:
        """Settings tab: add/remove hidden layers, biases on/off."""
        r = self.rng
        which = r.choices(["layers+", "layers-", "biases"], (4, 4, 2))[0]
        return self._tab("settings") + self._click_at(self._jitter(SETTINGS_BUTTONS[which], 3))

    def type_train_n(self) -> list[str]:
        """Type a number into the Train N field, then (often) press Train N."""
        r = self.rng
        digits = r.choices([1, 2, 3, 4, 5, 6], (2, 3, 4, 4, 2, 1))[0]
        number = str(r.randint(10 ** (digits - 1), 10 ** digits - 1))
        cmd = self._tab("train") + self._click_at(self._jitter(TRAIN_BUTTONS["train_n_field"], 3))
        cmd += ["key", "--delay", "0", "ctrl+a", "BackSpace", *number, "Return"]
        if r.random() < 0.6:
            cmd += self._click_at(self._jitter(TRAIN_BUTTONS["train_n"], 3))
        return cmd

    def idle(self) -> list[str]:
        """Kiosk: no input for longer than the idle timeout, so the attract demo starts."""
        seconds = self.idle_timeout + self.rng.choice([1.5, 3.0, 6.0, 12.0])
        return ["sleep", f"{seconds:.1f}"]

    KINDS = {  # kind: weight
        "move": 12, "click": 30, "drag": 14, "scroll": 8, "key": 20, "resize": 2,
        "combo": 6, "architecture": 3, "type_train_n": 1,
    }

    def next(self) -> tuple[str, list[str]]:
        kinds = list(self.KINDS)
        kind = self.rng.choices(kinds, [self.KINDS[k] for k in kinds])[0]
        cmd = getattr(self, kind)()
        if kind == "key" and cmd[-1] in ("f", "F11"):
            kind = "key f"
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return kind, cmd


# -- checks at the end --------------------------------------------------------------------------
def grab(display: str, box):
    from PIL import ImageGrab
    return ImageGrab.grab(bbox=box, xdisplay=display)


def screen_changes(display: str, xdo: Xdo, probe: list[str], seconds: float = 4.0) -> bool:
    """Send `probe` (xdotool commands, no resizes) and watch the window's pixels change within `seconds`.

    Keys and clicks make the X server draw nothing by themselves, so any change is a frame glnn drew.
    """
    from PIL import ImageChops
    win = xdo.window()
    if win is None:
        return False
    wid, x, y, w, h = win
    box = (x, y, x + max(1, w), y + max(1, h))
    before = grab(display, box).convert("RGB")
    xdo.run(["windowfocus", wid, *probe])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if ImageChops.difference(before, grab(display, box).convert("RGB")).getbbox():
            return True
    return False


def responds(display: str, xdo: Xdo, budget: float) -> float | None:
    """Seconds until glnn answered an input by drawing something new; None if it never did within `budget`.

    H toggles the panel, Space play/pause; both are ignored while an ImGui text field has the keyboard
    (glnn may still be working through queued clicks: ImGui takes about one click per two frames),
    so later rounds first press Return and click on empty scene to leave any field.
    """
    t0 = time.monotonic()
    rounds = 0
    while time.monotonic() - t0 < budget:
        win = xdo.window()
        if win is None:
            return None
        _, _, _, w, h = win
        probe = ["key", "h"] if rounds % 2 == 0 else ["key", "space"]
        if rounds >= 2:
            probe = ["key", "Return", "mousemove", str(win[1] + w - 3), str(win[2] + max(1, h // 3)),
                     "click", "--delay", "0", "1", *probe]
        if screen_changes(display, xdo, probe):
            return time.monotonic() - t0
        rounds += 1
    return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--events", type=int, default=5000, help="number of random events (default 5000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the event sequence (default 1)")
    p.add_argument("--display", help="use this X display (e.g. :5) instead of starting an Xvfb")
    p.add_argument("--kiosk", action="store_true", help="run glnn in kiosk mode (Esc must be ignored)")
    p.add_argument("--idle-timeout", type=float, default=5.0, help="kiosk idle timeout (default 5 s)")
    p.add_argument("--idles", type=int, default=None,
                   help="kiosk: idle pauses that start the attract demo (default: 1 per 600 events, at least 2)")
    p.add_argument("--rate", type=float, default=25.0, help="events per second to aim for (default 25)")
    p.add_argument("--batch", type=int, default=20, help="events per xdotool invocation (default 20)")
    p.add_argument("--size", default="1024x640", help="glnn's window size (default 1024x640)")
    p.add_argument("--screen", default="1280x800", help="Xvfb screen size (default 1280x800)")
    p.add_argument("--python", default=sys.executable, help="python that runs glnn (default: this one)")
    p.add_argument("--startup-timeout", type=float, default=120.0, help="seconds to wait for glnn's window")
    p.add_argument("--answer-timeout", type=float, default=60.0,
                   help="seconds glnn may take to answer the final input (default 60)")
    p.add_argument("--trace", metavar="FILE", help="write every xdotool invocation to FILE")
    p.add_argument("--keep-logs", action="store_true", help="keep the work directory with glnn's output")
    args = p.parse_args()
    if not shutil.which("xdotool"):
        print("FAIL: xdotool is not installed")
        return 1

    workdir = Path(tempfile.mkdtemp(prefix="glnn-fuzz-"))
    xvfb = glnn = None
    reasons: list[str] = []
    notes: list[str] = []
    trace = open(args.trace, "w") if args.trace else None
    sent = 0
    t_start = t_end = time.monotonic()
    rss = {"start": float("nan"), "peak": float("nan"), "end": float("nan")}
    fuzzer = Fuzzer(random.Random(args.seed), args.kiosk, args.idle_timeout)
    last_batch: list[str] = []
    try:
        if args.display:
            display = args.display
        else:
            xvfb, display = start_xvfb(args.screen, open(workdir / "xvfb.log", "wb"))
        sw, sh = (int(v) for v in args.screen.lower().split("x"))
        fuzzer.screen = (sw, sh)
        xdo = Xdo(display)
        glnn = Glnn(args, display, workdir)
        print(f"display {display}; glnn pid {glnn.proc.pid}: {' '.join(glnn.cmd)}", flush=True)

        deadline = time.monotonic() + args.startup_timeout
        win = None
        while win is None:
            if glnn.proc.poll() is not None:
                raise Fail(f"glnn exited during start-up with status {glnn.proc.returncode}")
            if time.monotonic() > deadline:
                raise Fail(f"glnn opened no window within {args.startup_timeout:.0f} s")
            time.sleep(0.5)
            win = xdo.window()
        time.sleep(2.0)  # first frames (ImGui sizes its windows, Numba's cache loads)
        rss["start"] = rss["peak"] = rss_mb(glnn.proc.pid)

        # the kiosk idles, spread over the run
        idles = set()
        if args.kiosk:
            n_idle = args.idles if args.idles is not None else max(2, args.events // 600)
            idles = set(fuzzer.rng.sample(range(1, max(2, args.events)), min(n_idle, max(0, args.events - 1))))

        t_start = time.monotonic()
        idle_seconds = 0.0
        while sent < args.events:
            if glnn.proc.poll() is not None:
                raise Fail(f"glnn exited during the run with status {glnn.proc.returncode} after {sent} events")
            win = xdo.window()
            if win is None:
                time.sleep(0.5)  # F recreates the window: give it a moment
                win = xdo.window()
            if win is None:
                if glnn.proc.poll() is not None:
                    continue
                raise Fail(f"glnn's window disappeared after {sent} events (process still running)")
            wid, wx, wy, ww, wh = win
            fuzzer.win = (wx, wy, ww, wh)
            batch: list[str] = ["windowfocus", wid]
            n = 0
            while n < args.batch and sent + n < args.events:
                if sent + n in idles:
                    kind, cmd = "idle", fuzzer.idle()
                    fuzzer.counts["idle"] = fuzzer.counts.get("idle", 0) + 1
                    idle_seconds += float(cmd[1])
                else:
                    kind, cmd = fuzzer.next()
                if cmd and cmd[0] == "__window__":
                    cmd = [wid if a == "__wid__" else a for a in cmd[1:]]
                batch += cmd
                n += 1
                if kind in ("key f", "resize"):
                    break  # F recreates the window, a resize moves everything: look again first
            last_batch = batch
            if trace:
                trace.write(f"# events {sent}..{sent + n - 1}\nxdotool {' '.join(batch)}\n")
            xdo.run(batch, timeout=60 + idle_seconds)
            sent += n
            if glnn.scan_stderr():
                raise Fail(f"glnn wrote an error to stderr after {sent} events")
            rss["peak"] = max(rss["peak"], rss_mb(glnn.proc.pid))
            # pace: about --rate events/s (idles excluded)
            ahead = t_start + idle_seconds + sent / args.rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        t_end = time.monotonic()

        # -- (a) (b) still running, nothing on stderr ------------------------------------------
        time.sleep(2.0)
        if glnn.proc.poll() is not None:
            raise Fail(f"glnn exited with status {glnn.proc.returncode} after the last event")
        if glnn.scan_stderr():
            raise Fail("glnn wrote an error to stderr")
        rss["end"] = rss_mb(glnn.proc.pid)
        rss["peak"] = max(rss["peak"], rss["end"])

        # -- (c) the window is there and answers ------------------------------------------------
        win = xdo.window()
        if win is None:
            raise Fail("glnn's window is gone (the process still runs)")
        # a usable size first (the last resize may have left it a few pixels big), then let it settle
        xdo.run(["windowsize", win[0], "1000", "620"])
        time.sleep(2.0)
        answer = responds(display, xdo, args.answer_timeout)
        if answer is None:
            raise Fail(f"glnn does not respond: the window did not change within {args.answer_timeout:.0f} s "
                       f"of H, Space, Return and clicks")
        notes.append(f"answered the final input after {answer:.1f} s")
        if glnn.proc.poll() is not None or glnn.scan_stderr():
            raise Fail("glnn failed during the final checks")

        # -- (e) it quits when asked, and only then ----------------------------------------------
        if args.kiosk:
            for _ in range(3):
                win = xdo.window()
                if win:
                    xdo.run(["windowfocus", win[0], "key", "Escape", "key", "f", "key", "alt+F4"])
                time.sleep(0.5)
            time.sleep(1.0)
            if glnn.proc.poll() is not None:
                raise Fail(f"kiosk mode quit on Escape/F/alt+F4 (status {glnn.proc.returncode})")
            quit_keys = ["ctrl+shift+q"]
        else:
            quit_keys = ["Escape", "Escape", "Escape"]  # leave full screen first, if it is
        for k in quit_keys:
            win = xdo.window()
            if win is None or glnn.proc.poll() is not None:
                break
            xdo.run(["windowfocus", win[0], "mousemove", str(win[1] + win[3] - 3), str(win[2] + 5), "key", k])
            try:
                glnn.proc.wait(6)
            except subprocess.TimeoutExpired:
                pass
        try:
            glnn.proc.wait(20)
        except subprocess.TimeoutExpired:
            raise Fail(f"glnn did not quit on {' then '.join(quit_keys)}") from None
        if glnn.scan_stderr():
            raise Fail("glnn wrote an error to stderr while quitting")
        if glnn.proc.returncode != 0:
            raise Fail(f"glnn quit with status {glnn.proc.returncode}")
    except Fail as e:
        reasons.append(str(e))
        if t_end <= t_start:
            t_end = time.monotonic()
    finally:
        if glnn is not None:
            if glnn.proc.poll() is None:
                rss["end"] = rss_mb(glnn.proc.pid) if rss["end"] != rss["end"] else rss["end"]
            stop(glnn.proc)
            glnn.scan_stderr()
        stop(xvfb)
        if trace:
            trace.close()

    elapsed = max(1e-9, t_end - t_start)
    print(f"events: {sent} (seed {args.seed}{', kiosk' if args.kiosk else ''})")
    print("kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(fuzzer.counts.items())))
    print(f"time: {elapsed:.1f} s, {sent / elapsed:.1f} events/s; xdotool invocations: "
          f"{xdo.calls if 'xdo' in locals() else 0}, failed: {xdo.failures if 'xdo' in locals() else 0}")
    if "xdo" in locals() and xdo.failures:
        notes.append(f"last xdotool error: {xdo.last_error}")
    print(f"glnn RSS: start {rss['start']:.1f} MB, peak {rss['peak']:.1f} MB, end {rss['end']:.1f} MB")
    for note in notes:
        print(f"note: {note}")
    if glnn is not None:
        text = glnn.stderr_text()
        if glnn.bad_lines or reasons:
            print("---- glnn stderr (last 60 lines) ----")
            print("\n".join(text.splitlines()[-60:]))
            print("---- last xdotool batch ----")
            print("xdotool " + " ".join(last_batch))
            print("----")
        if glnn.bad_lines and not reasons:
            reasons.append("glnn wrote errors to stderr")
    if args.keep_logs or reasons:
        print(f"logs: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    if reasons:
        print("FAIL: " + "; ".join(reasons))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
