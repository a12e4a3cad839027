"""End to end: the real glnn window under its own Xvfb, driven with xdotool, checked on screenshots.

One glnn process serves the whole module (starting it costs seconds); the tests run in file
order and each first puts the window in the state it needs (tab, mouse position), so a failed
test does not hide the others. The last test quits the window with Esc.

Where things are: the scene's layout is computed here exactly as glnn/app.py does (the same
Area formula and glnn.view.layout.compute); the panel's widgets are found on the screenshot by
matching their text, rendered with the panel's own font (Roboto, 17 px), so the tests do not
depend on ImGui's pixel positions. Text is read the same way: "the tooltip contains
'activation'" means the word, drawn in that font, matches the screenshot there.

Every screenshot is saved under pytest's tmp dir; the interesting ones are also copied to
/tmp/e2e_shots/ for a person to look at.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
# the source tree whose glnn is started (default: this one); another tree lets the tests be tried
# against a deliberately broken copy
APP_ROOT = Path(os.environ.get("GLNN_E2E_SOURCE", ROOT))
SIZE = (1280, 720)  # the window
SCREEN = (1280, 800)  # Xvfb's screen: taller than the window, which is moved down by WINDOW_Y
WINDOW_Y = 50  # so that window and screen coordinates differ (no window manager places it)
SHOT_COPY = Path("/tmp/e2e_shots")
BLANK = (1250, 620)  # a point of the scene with nothing under it (right of the output labels, above the strip)

TOOLS = ("Xvfb", "xdotool", "xdpyinfo")
_missing = [t for t in TOOLS if shutil.which(t) is None]
if _missing:  # scripts/test installs them: missing tools are a broken setup, not a reason to skip
    raise RuntimeError(f"e2e tests need {', '.join(_missing)} (scripts/test installs them)")
from PIL import Image, ImageDraw, ImageFont, ImageGrab  # noqa: E402  (test dependencies)
from scipy.signal import fftconvolve  # noqa: E402


# -- reading text on a screenshot ------------------------------------------------------------------
def _font_path() -> str:
    import imgui_bundle
    paths = glob.glob(os.path.join(os.path.dirname(imgui_bundle.__file__), "assets", "fonts", "Roboto",
                                   "Roboto-Regular.ttf"))
    assert paths, "imgui_bundle's Roboto font is missing"
    return paths[0]


_templates: dict[tuple[str, float], np.ndarray] = {}


def _template(text: str, size: float) -> np.ndarray:
    """`text` in the panel's font, white on black, grey levels 0..255.

    ImGui's 17 px font is Roboto at 17 px from ascender to descender, which is about 15 px em
    (what Pillow's size means); 14.5..15.5 covers rasteriser differences."""
    key = (text, size)
    if key not in _templates:
        font = ImageFont.truetype(_font_path(), size)
        left, top, right, bottom = font.getbbox(text)
        im = Image.new("L", (right - left + 2, bottom - top + 2), 0)
        ImageDraw.Draw(im).text((1 - left, 1 - top), text, font=font, fill=255)
        _templates[key] = np.asarray(im, np.float64)
    return _templates[key]


def _ncc(gray: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Normalised cross-correlation of template t at every position of gray ('valid' positions)."""
    th, tw = t.shape
    tz = t - t.mean()
    tz /= np.linalg.norm(tz)
    num = fftconvolve(gray, tz[::-1, ::-1], mode="valid")
    c1 = np.pad(gray, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    c2 = np.pad(gray * gray, ((1, 0), (1, 0))).cumsum(0).cumsum(1)

    def box(c):
        return c[th:, tw:] - c[:-th, tw:] - c[th:, :-tw] + c[:-th, :-tw]
    n = th * tw
    var = box(c2) - box(c1) ** 2 / n
    den = np.sqrt(np.where(var > 25.0 * n * 0.01, var, np.inf))  # flat regions match nothing
    return num / den


def text_matches(img: np.ndarray, text: str, box, scale: float = 1.0) -> list[tuple[float, int, int, int, int]]:
    """Every place in box (x0, y0, x1, y1) where `text` reads, best size per place:
    (score, x, y, w, h) in window coordinates, best first. Score 1 = pixel perfect; the panel's
    real text scores about 0.8-0.95, other text and the scene below about 0.6. `scale`: the
    ui_scale the text is drawn at."""
    x0, y0, x1, y1 = (int(v) for v in box)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(img.shape[1], x1), min(img.shape[0], y1)
    gray = img[y0:y1, x0:x1, :3].astype(np.float64).mean(axis=2)
    found = []
    for size in (14.5 * scale, 15.0 * scale, 15.5 * scale):
        t = _template(text, size)
        if t.shape[0] > gray.shape[0] or t.shape[1] > gray.shape[1]:
            continue
        score = _ncc(gray, t)
        for _ in range(8):  # the few best peaks, each masked out after it is taken
            iy, ix = np.unravel_index(int(np.argmax(score)), score.shape)
            s = float(score[iy, ix])
            if not np.isfinite(s) or s < 0.5:
                break
            found.append((s, x0 + int(ix), y0 + int(iy), t.shape[1], t.shape[0]))
            score[max(0, iy - t.shape[0]):iy + t.shape[0], max(0, ix - t.shape[1]):ix + t.shape[1]] = -1
    found.sort(reverse=True)
    distinct: list = []
    for f in found:  # one entry per place
        if all(abs(f[1] - g[1]) > 4 or abs(f[2] - g[2]) > 4 for g in distinct):
            distinct.append(f)
    return distinct


def text_score(img, text, box, scale: float = 1.0) -> float:
    m = text_matches(img, text, box, scale)
    return m[0][0] if m else 0.0


READS = 0.75  # a text_score at least this reads as the text
ABSENT = 0.65  # at most this: the text is not there


def find_text(img, text, box, topmost=False, scale: float = 1.0) -> tuple[float, float]:
    """Centre of `text` in box (the best match, or the topmost one that reads); fails if absent."""
    matches = [m for m in text_matches(img, text, box, scale) if m[0] >= READS]
    assert matches, f"{text!r} not found in {box} (best score {text_score(img, text, box, scale):.2f})"
    s, x, y, w, h = min(matches, key=lambda m: m[2]) if topmost else matches[0]
    return x + w / 2, y + h / 2


# -- where the app draws things (as glnn/app.py computes it) ---------------------------------------
class Geometry:
    def __init__(self, size):
        from glnn.core import settings
        from glnn.core.data import load
        from glnn.core.model import Architecture
        from glnn.ui.theme import TextMeasure
        from glnn.view import screen
        w, h = size
        self.dataset = load(settings.defaults()["dataset"])
        ds = self.dataset
        sizes = (ds.n_inputs, *settings.defaults()["hidden"], ds.n_outputs)
        scale = settings.defaults("view")["ui_scale"]
        # the layout glnn/app.py computes, with the font ImGui draws in
        content = screen.content_for(w, h, scale, sizes, ds)
        self.screen = screen.compute(content, TextMeasure.standalone(), Architecture(sizes).offsets()[0])
        self.layout = self.screen.layout
        strip = self.screen.strip
        self.tile = float(strip.tiles[0, 2])
        self.tiles = [(float(x), float(y)) for x, y, _, _ in strip.tiles]
        self.sizes = sizes
        self.panel_w = self.screen.panel.w

    def neuron(self, layer: int, index: int) -> tuple[float, float, float]:
        x, y, r, _ = self.layout.nodes[int(self.layout.layer_start[layer]) + index]
        return float(x), float(y), float(r)

    def tile_centre(self, k: int) -> tuple[float, float]:
        x, y = self.tiles[k]
        return x + self.tile / 2, y + self.tile / 2

    def lone_link_point(self) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
        """A point on an INPUT->HIDDEN connection with no other connection or neuron near it:
        (point, source neuron centre, target neuron centre). The point lies in the left
        half of the gap so that the stretch from the source to it is not under the tooltip (which opens
        below right of the mouse)."""
        lay = self.layout
        links = lay.links[lay.link_start[0]:lay.link_start[1]]
        a = lay.nodes[links[:, 0], :2].astype(np.float64)
        b = lay.nodes[links[:, 1], :2].astype(np.float64)
        best = None
        for i in range(len(links)):
            for t in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):  # up to the middle: the timeline bar makes the scene denser
                p = a[i] + t * (b[i] - a[i])
                ab = b - a
                tt = np.clip(((p - a) * ab).sum(1) / (ab * ab).sum(1), 0, 1)
                d = np.hypot(*(a + tt[:, None] * ab - p).T)
                d[i] = np.inf
                clearance = d.min()
                length = np.hypot(*(p - a[i]))
                if length > 120 and (best is None or clearance > best[0]):
                    best = (clearance, p, a[i], b[i])
        assert best is not None and best[0] >= 8, "no connection stands alone anywhere"
        return tuple(best[1]), tuple(best[2]), tuple(best[3])


# -- the running app ----------------------------------------------------------------------------
def _kill(proc: subprocess.Popen | None, grace: float = 5.0) -> None:
    """End a process we started (and its group: it was started in a new session)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


class Gui:
    def __init__(self, display: str, proc: subprocess.Popen, wid: str, box, shot_dir: Path, log: Path):
        self.display = display
        self.proc = proc
        self.wid = wid
        self.x, self.y, self.w, self.h = box
        self.shot_dir = shot_dir
        self.log = log
        self.geo = Geometry((self.w, self.h))
        self._count = 0

    # input, in window coordinates (origin top left, as the app's layout)
    def xdo(self, *args) -> str:
        r = subprocess.run(["xdotool", *map(str, args)], env={**os.environ, "DISPLAY": self.display},
                           capture_output=True, text=True, timeout=10)
        assert r.returncode == 0, f"xdotool {args}: {r.stderr.strip()}"
        return r.stdout

    def move(self, x: float, y: float, settle: float = 0.35) -> None:
        self.xdo("mousemove", int(round(self.x + x)), int(round(self.y + y)))
        time.sleep(settle)  # at least one frame sees the pointer there before anything else happens

    def click(self, x: float, y: float) -> None:
        self.move(x, y)
        self.xdo("click", "1")

    def key(self, name: str) -> None:
        self.xdo("key", name)

    # output
    def grab(self) -> np.ndarray:
        """The window's pixels (H, W, 3), row 0 = top."""
        im = ImageGrab.grab(bbox=(self.x, self.y, self.x + self.w, self.y + self.h), xdisplay=self.display)
        return np.asarray(im.convert("RGB"))

    def save(self, img: np.ndarray, name: str, copy: bool = True) -> Path:
        self._count += 1
        path = self.shot_dir / f"{self._count:02d}_{name}.png"
        Image.fromarray(img).save(path)
        if copy:
            SHOT_COPY.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, SHOT_COPY / path.name)
        return path

    def shot(self, name: str, copy: bool = True) -> np.ndarray:
        img = self.grab()
        self.save(img, name, copy)
        return img

    def wait_for(self, what: str, check, timeout: float = 8.0, name: str | None = None, explain=None):
        """Grab until check(img) is truthy; returns (img, result); fails with the last picture saved
        and explain(img), if given, saying what the picture shows instead."""
        deadline = time.monotonic() + timeout
        while True:
            img = self.grab()
            result = check(img)
            if result or time.monotonic() > deadline:
                path = self.save(img, name or what.replace(" ", "_"))
                assert result, (f"timed out after {timeout:.0f} s waiting for {what} (see {path})"
                                + (f": {explain(img)}" if explain else ""))
                return img, result
            assert self.proc.poll() is None, f"glnn exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}"
            time.sleep(0.15)

    def steady(self, region, name: str, timeout: float = 10.0) -> np.ndarray:
        """A screenshot once `region` (a pair of slices) stops changing: at this machine's few frames a
        second, a hover highlight can outlive the move of the pointer by a frame or two."""
        deadline = time.monotonic() + timeout
        last = self.grab()
        while True:
            time.sleep(0.6)
            img = self.grab()
            if np.array_equal(img[region], last[region]):
                self.save(img, name)
                return img
            assert time.monotonic() < deadline, f"{name}: the picture keeps changing"
            last = img

    def window_size(self) -> tuple[int, int]:
        return _window_box(self.display, self.wid)[2:]

    def alive(self) -> None:
        assert self.proc.poll() is None, f"glnn exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}"

    # the panel
    def open_tab(self, name: str) -> np.ndarray:
        """Click a tab of the panel and wait until its content shows."""
        img = self.grab()
        x, y = find_text(img, name, (0, 25, self.geo.panel_w, 65))
        self.click(x, y)
        marker = {"Train": "Train 1,000", "Draw": "Feed it through", "Settings": "palette"}[name]
        img, _ = self.wait_for(f"the {name} tab", lambda im: text_score(im, marker, (0, 60, self.geo.panel_w, 500)) >= READS,
                               name=f"tab_{name.lower()}")
        return img


def _start_xvfb(log) -> tuple[subprocess.Popen, str]:
    """Xvfb on a display number it chooses itself (-displayfd: no clash with other X servers)."""
    read_fd, write_fd = os.pipe()
    try:
        proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                                 "-nolisten", "tcp"],
                                pass_fds=(write_fd,), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 15
        os.set_blocking(read_fd, False)
        while not number.endswith(b"\n"):
            if proc.poll() is not None or time.monotonic() > deadline:
                _kill(proc)
                pytest.fail("Xvfb did not start")
            try:
                chunk = os.read(read_fd, 16)
            except BlockingIOError:
                chunk = b""
            if chunk:
                number += chunk
            else:
                time.sleep(0.05)
    finally:
        os.close(read_fd)
    display = f":{int(number)}"
    deadline = time.monotonic() + 15
    while subprocess.run(["xdpyinfo", "-display", display], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            _kill(proc)
            pytest.fail(f"Xvfb on {display} accepts no connections")
        time.sleep(0.1)
    return proc, display


def _window_box(display: str, wid: str) -> tuple[int, int, int, int]:
    out = subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid], env={**os.environ, "DISPLAY": display},
                         capture_output=True, text=True, timeout=10).stdout
    values = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


@contextlib.contextmanager
def running_glnn(shot_dir: Path, args=("--size", f"{SIZE[0]}x{SIZE[1]}"), fullscreen: bool = False,
                 window_timeout: float = 40):
    """glnn started with `args` in an Xvfb of its own, its window found (within `window_timeout` seconds)
    and (unless full screen, which fills the screen) moved down by WINDOW_Y; yields the Gui once the
    window exists. Both are ended on exit."""
    xvfb_log = open(shot_dir / "xvfb.log", "wb")
    app_log_path = shot_dir / "glnn.log"
    app_log = open(app_log_path, "wb")
    xvfb = app = None
    try:
        xvfb, display = _start_xvfb(xvfb_log)
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYOPENGL_PLATFORM", "WAYLAND_DISPLAY")}  # conftest.py sets EGL for itself
        env["DISPLAY"] = display
        env["PYTHONPATH"] = os.pathsep.join([str(APP_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        # in a directory of its own (glnn finds its code through PYTHONPATH): nothing lands in the checkout
        # the picture in full, as a screenshot draws it: the frame-time governor (--quality auto) would lower
        # its detail on this software rasteriser at moments of its own (tests/test_governor_window.py tests it)
        quality = () if "--quality" in args else ("--quality", "full")
        app = subprocess.Popen([sys.executable, "-m", "glnn", *args, *quality], cwd=shot_dir, env=env,
                               stdout=app_log, stderr=subprocess.STDOUT, start_new_session=True)
        # the window's title is exactly "glnn" (a hidden helper window is named after __main__.py)
        try:
            wid = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^glnn$"],
                                 env={**os.environ, "DISPLAY": display}, capture_output=True, text=True,
                                 timeout=window_timeout).stdout.split()[0]
        except subprocess.TimeoutExpired:
            pytest.fail(f"no glnn window after {window_timeout:g} s; glnn said: {app_log_path.read_text()[-2000:]}")
        want = SCREEN if fullscreen else SIZE
        if not fullscreen:
            subprocess.run(["xdotool", "windowmove", wid, "0", str(WINDOW_Y)],
                           env={**os.environ, "DISPLAY": display}, capture_output=True, timeout=10)
        deadline = time.monotonic() + 10
        while ((box := _window_box(display, wid))[1] != (0 if fullscreen else WINDOW_Y) or box[2:] != want) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert box[2:] == want, f"window is {box[2]}x{box[3]}, asked for {want}"
        g = Gui(display, app, wid, box, shot_dir, app_log_path)
        g.xdo("mousemove", box[0] + BLANK[0], box[1] + BLANK[1])  # keyboard focus follows the pointer
        g.xdo("windowfocus", wid)
        yield g
    finally:
        _kill(app)
        _kill(xvfb)
        app_log.close()
        xvfb_log.close()


@pytest.fixture(scope="module")
def gui(tmp_path_factory):
    with running_glnn(tmp_path_factory.mktemp("e2e")) as g:
        def ready(img):  # panel drawn, the strip measured and the scene laid out with it
            x, y = g.geo.tiles[0]
            tile = img[int(y):int(y + g.geo.tile), int(x):int(x + g.geo.tile)]
            return (text_score(img, "iterations", (0, 200, g.geo.panel_w, 400)) >= READS
                    and (tile.min(axis=2) > 200).mean() > 0.2)
        g.wait_for("the first frames", ready, timeout=40, name="start")
        time.sleep(0.5)
        yield g


# -- helpers on pictures ------------------------------------------------------------------------
def brightness(img, x, y, r=2) -> float:
    x, y = int(round(x)), int(round(y))
    return float(img[y - r:y + r + 1, x - r:x + r + 1, :3].astype(float).mean())


def tooltip_grey(img, x0, y0, x1, y1) -> float:
    """Share of the box covered by ImGui's tooltip background (an even dark grey, unlike the bluish scene)."""
    region = img[int(y0):int(y1), int(x0):int(x1), :3].astype(int)
    even = region.max(axis=2) - region.min(axis=2) <= 3
    dark = (region.min(axis=2) >= 14) & (region.max(axis=2) <= 28)
    return float((even & dark).mean())


def tooltip_at(img, mouse, text) -> tuple[float, float]:
    """(grey share just below right of the mouse, score of `text` in the tooltip's region)."""
    mx, my = mouse
    return (tooltip_grey(img, mx + 24, my + 14, mx + 120, my + 40),
            text_score(img, text, (mx, my, mx + 420, my + 200)))


def gold_output(img, geo) -> int | None:
    """Which output neuron carries the gold mark (the network's answer), from its gold label."""
    x, y0, r = geo.neuron(len(geo.sizes) - 1, 0)
    _, y9, _ = geo.neuron(len(geo.sizes) - 1, geo.sizes[-1] - 1)
    spacing = (y9 - y0) / (geo.sizes[-1] - 1)
    region = img[int(y0 - spacing / 2):int(y9 + spacing / 2), int(x + r + 4):int(x + r + 30), :3].astype(int)
    gold = (region[..., 0] > 200) & (region[..., 1] > 150) & (region[..., 1] < 235) & (region[..., 2] < 150)
    if gold.sum() < 8:
        return None
    ys = np.nonzero(gold)[0].mean() + int(y0 - spacing / 2)
    return int(round((ys - y0) / spacing))


def ringed_tiles(img, geo) -> list[int]:
    """Which strip tiles have the gold ring drawn round them (sampled on the ring's top edge)."""
    ringed = []
    for k in range(len(geo.tiles)):
        x, y = geo.tiles[k]
        row = img[int(round(y - 3)), int(x + 2):int(x + geo.tile - 2), :3].astype(int)
        gold = (row[:, 0] > 200) & (row[:, 1] > 150) & (row[:, 2] < 150)
        if gold.mean() > 0.8:
            ringed.append(k)
    return ringed


def input_column(img, geo) -> np.ndarray:
    """Is each input neuron lit (its centre bright)?"""
    return np.array([brightness(img, *geo.neuron(0, k)[:2]) > 128 for k in range(geo.sizes[0])])


# -- the tests ----------------------------------------------------------------------------------
def test_hover_neuron_shows_its_activation(gui):
    geo = gui.geo
    gui.move(*BLANK)
    x, y, r = geo.neuron(0, 12)  # the middle input pixel
    before = gui.shot("neuron_before")
    assert tooltip_at(before, (x, y), "activation")[1] < ABSENT
    gui.move(x + 1, y + 1, settle=0.1)
    img, (grey, score) = gui.wait_for("a tooltip over input neuron 13",
                                      lambda im: (lambda t: t if t[0] > 0.5 and t[1] >= READS else None)(
                                          tooltip_at(im, (x + 1, y + 1), "activation")),
                                      name="neuron_tooltip")
    assert text_score(img, "input pixel", (x, y, x + 420, y + 200)) >= READS
    assert text_score(img, "weight", (x, y, x + 420, y + 200)) < ABSENT  # not a connection's tooltip
    region = (slice(int(y), int(y) + 60), slice(int(x) + 20, int(x) + 200))
    assert not np.array_equal(before[region], img[region]), "the picture beside the neuron did not change"
    # and it goes away with the mouse
    gui.move(*BLANK, settle=0.1)
    gui.wait_for("the tooltip to go", lambda im: tooltip_at(im, (x + 1, y + 1), "activation")[1] < ABSENT,
                 name="neuron_tooltip_gone")


def test_hover_connection_shows_its_weight(gui):
    geo = gui.geo
    gui.move(*BLANK)
    (px, py), (ax, ay), _ = geo.lone_link_point()
    before = gui.shot("link_before")
    assert tooltip_at(before, (px, py), "weight")[1] < ABSENT
    gui.move(px, py, settle=0.1)
    img, (grey, score) = gui.wait_for("a tooltip over a connection",
                                      lambda im: (lambda t: t if t[0] > 0.5 and t[1] >= READS else None)(
                                          tooltip_at(im, (px, py), "weight")),
                                      name="link_tooltip")
    box = (px, py, px + 420, py + 220)
    for text in ("from input pixel", "to hidden neuron", "signal now"):
        assert text_score(img, text, box) >= READS, text
    assert text_score(img, "activation", box) < ABSENT
    # the connection under the mouse is the one highlighted: bright along its stretch from the source
    ts = np.linspace(0.15, 0.85, 15)
    pts = [(ax + t * (px - ax), ay + t * (py - ay)) for t in ts]
    lit_before = np.mean([brightness(before, *p, r=1) for p in pts])
    lit_after = np.mean([brightness(img, *p, r=1) for p in pts])
    assert lit_after > 180 and lit_after > lit_before + 60, (lit_before, lit_after)


def test_a_tap_on_a_neuron_focuses_its_connections(gui):
    """A touch screen moves the pointer and presses in one go: the tap must still hit the neuron."""
    geo = gui.geo
    gui.move(*BLANK)
    x_in, y_top, _ = geo.neuron(0, 0)
    x_hid, _, _ = geo.neuron(1, 0)
    band = (slice(int(y_top), int(geo.neuron(0, geo.sizes[0] - 1)[1])), slice(int(x_in + 20), int(x_hid - 20)))

    def links_brightness(im):
        return float(im[band].astype(float).mean())

    # the brightness with nothing hovered: at a few frames a second the last test's hover can outlive the move
    before = links_brightness(gui.steady(band, "tap_before"))
    x, y, _ = geo.neuron(1, 3)
    gui.xdo("mousemove", int(round(gui.x + x)), int(round(gui.y + y)), "click", "1")  # no pause between
    gui.move(*BLANK)
    img, _ = gui.wait_for("the other connections dimmed", lambda im: links_brightness(im) < 0.8 * before,
                          name="tap_focus", explain=lambda im: f"brightness {links_brightness(im):.1f}, before {before:.1f}")
    gui.xdo("mousemove", int(round(gui.x + x)), int(round(gui.y + y)), "click", "1")  # a second tap: back to all
    gui.move(*BLANK)
    gui.wait_for("all connections back", lambda im: links_brightness(im) > 0.95 * before, name="tap_unfocus",
                 explain=lambda im: f"brightness {links_brightness(im):.1f}, before {before:.1f}")


def test_clicking_a_training_image_shows_it(gui):
    geo = gui.geo
    gui.open_tab("Train")
    img = gui.grab()
    # train first, so that the network's answer for each image is that image's digit
    gui.click(*find_text(img, "Train 1,000", (0, 60, geo.panel_w, 200)))
    gui.move(*BLANK)
    gui.wait_for("1,000 iterations", lambda im: text_score(im, "1,000", (150, 200, geo.panel_w, 400)) >= READS,
                 name="trained")
    for digit in (7, 2):
        gui.click(*geo.tile_centre(digit))
        gui.move(*BLANK)  # hovering a tile also rings it: look without the mouse there
        expected = geo.dataset.x_train[digit] > 0.5
        img, _ = gui.wait_for(f"image {digit} in the input column and the gold mark on output {digit}",
                              lambda im: gold_output(im, geo) == digit and (input_column(im, geo) == expected).all(),
                              name=f"image_{digit}",
                              explain=lambda im: f"gold mark on output {gold_output(im, geo)}, input column "
                                                 f"{input_column(im, geo).astype(int)}, image {digit} is "
                                                 f"{expected.astype(int)}")
        assert text_score(img, f"training image {digit}", (0, 300, geo.panel_w, SIZE[1])) >= READS
        assert ringed_tiles(img, geo) == [digit]  # the clicked image stays marked in the strip


def test_drawing_paints_the_grid_and_the_input_column(gui):
    geo = gui.geo
    img = gui.open_tab("Draw")
    # the grid: the squares' dark blue (0.12, 0.14, 0.2), between the tab bar and the Clear button
    # (the output bars below have the same colour)
    clear_x, clear_y = find_text(img, "Clear", (0, 60, geo.panel_w, 600))
    panel = img[60:int(clear_y) - 10, :int(geo.panel_w), :3].astype(int)
    cell_colour = np.abs(panel - np.array([31, 36, 51])).max(axis=2) <= 3
    ys, xs = np.nonzero(cell_colour)
    assert len(xs) > 1000, "no draw grid in the Draw tab"
    gx0, gx1, gy0, gy1 = xs.min(), xs.max() + 1, ys.min() + 60, ys.max() + 61
    rows, cols = geo.dataset.image_shape
    cw, ch = (gx1 - gx0) / cols, (gy1 - gy0) / rows
    assert abs(cw - ch) < 3 and cw > 20, f"grid {gx1 - gx0}x{gy1 - gy0} is not {cols}x{rows} squares"

    def centre(r, c):
        return gx0 + (c + 0.5) * cw, gy0 + (r + 0.5) * ch

    def painted(im):
        return np.array([[brightness(im, *centre(r, c), r=3) > 200 for c in range(cols)] for r in range(rows)])

    def shows(im, want):
        """The grid and the scene's input column both show the drawing `want`."""
        return (painted(im) == want).all() and (input_column(im, geo) == want.ravel()).all()

    def explain(im, want):
        return (f"grid {painted(im).astype(int).ravel()}, input column {input_column(im, geo).astype(int)}, "
                f"drawn {want.astype(int).ravel()}")

    gui.click(clear_x, clear_y)
    gui.move(*BLANK)
    empty = np.zeros((rows, cols), bool)
    gui.wait_for("an empty grid and a dark input column", lambda im: shows(im, empty), name="draw_empty",
                 explain=lambda im: explain(im, empty))

    def stroke(cells):
        """Press on the first cell, drag through the others, release; each cell must light while dragging."""
        gui.move(*centre(*cells[0]))
        gui.xdo("mousedown", "1")
        try:
            for (r0, c0), (r1, c1) in zip(cells, cells[1:]):
                (x0, y0), (x1, y1) = centre(r0, c0), centre(r1, c1)
                for t in (0.25, 0.5, 0.75, 1.0):  # small steps, as a hand would move
                    gui.move(x0 + t * (x1 - x0), y0 + t * (y1 - y0), settle=0.03)
                gui.wait_for(f"square {(r1, c1)} to fill while dragging", lambda im: painted(im)[r1, c1],
                             name="drawing", timeout=5)
        finally:
            gui.xdo("mouseup", "1")

    mid_r, mid_c = rows // 2, cols // 2
    stroke([(mid_r, c) for c in range(cols)])  # across
    stroke([(r, mid_c) for r in range(rows)])  # and down: a plus sign
    want = np.zeros((rows, cols), bool)
    want[mid_r, :] = want[:, mid_c] = True
    gui.move(*BLANK)
    # the grid changes in the frame the mouse paints; the scene shows it from the next frame on
    gui.wait_for("the plus sign in the grid and the input column", lambda im: shows(im, want), name="draw_plus",
                 explain=lambda im: explain(im, want))
    # pressing on a filled square empties it
    gui.click(*centre(mid_r, mid_c))
    gui.move(*BLANK)
    want[mid_r, mid_c] = False
    gui.wait_for("the middle square to empty", lambda im: shows(im, want), name="draw_erase",
                 explain=lambda im: explain(im, want))


def test_space_plays_and_pauses(gui):
    geo = gui.geo
    img = gui.open_tab("Train")
    gui.move(*BLANK)
    x, y = find_text(img, "iterations", (0, 150, 170, 450), topmost=True)  # the first figure's name
    band = (slice(int(y - 10), int(y + 10)), slice(165, int(geo.panel_w) - 10))  # its value

    def value(im):
        return im[band].astype(int)

    def blank(im):  # the value must be drawn at all (it is white text on the dark panel)
        return (value(im).min(axis=2) > 180).sum() > 10

    def same(p, q) -> bool:
        return bool(np.array_equal(value(p), value(q)))

    a = gui.shot("paused_a")
    time.sleep(1.0)
    b = gui.shot("paused_b")
    assert blank(a), "no number beside 'iterations'"
    assert same(a, b), "iterations change before Space was pressed"

    gui.key("space")
    time.sleep(1.0)
    c = gui.shot("playing_a")
    time.sleep(1.0)
    d = gui.shot("playing_b")
    assert not same(b, c), "no training after Space"
    assert not same(c, d), "training stopped by itself"
    assert text_score(d, "Pause", (0, 60, geo.panel_w, 100)) >= READS, "the Play button does not say Pause"

    gui.key("space")
    time.sleep(1.0)
    e = gui.shot("paused_again_a")
    time.sleep(1.0)
    f = gui.shot("paused_again_b")
    assert same(e, f), "still training after the second Space"
    assert text_score(f, "Play", (0, 60, geo.panel_w, 100)) >= READS


HELP_TITLE = "Help: what am I looking at?"


def test_shortcut_keys_never_press_focus_or_highlight_a_panel_control(gui):
    """Left/Right used to move ImGui's keyboard focus through the panel too, so that the next Space
    played AND pressed the focused button (Help opened), and tooltips jumped to that button."""
    geo = gui.geo
    img = gui.open_tab("Train")
    gui.move(*BLANK)
    _, figures_y = find_text(img, "iterations", (0, 150, 170, 450), topmost=True)
    # title, tabs, buttons, sliders; not the panel's scrollbar, whose thumb follows the content's height
    # (a line of figures more once training runs)
    left = slice(0, int(geo.panel_w) - 24)
    controls = (slice(0, int(figures_y) - 12), left)
    below_play = (slice(100, int(figures_y) - 12), left)
    before = gui.steady(controls, "keys_before")
    assert text_score(before, "Play", (0, 60, geo.panel_w, 100)) >= READS, "the test expects training paused"
    for name in ("Right", "Right", "Left", "Right"):
        gui.key(name)
        time.sleep(0.3)
    time.sleep(0.5)
    after_arrows = gui.shot("keys_after_arrows")
    changed = np.argwhere((before[controls] != after_arrows[controls]).any(axis=2))
    assert len(changed) == 0, (f"the arrow keys changed the panel's controls (a focus highlight?) at "
                               f"{changed.min(axis=0)[::-1]}..{changed.max(axis=0)[::-1]} (x, y)")
    gui.key("space")
    img, _ = gui.wait_for("Space to start training", lambda im: text_score(im, "Pause", (0, 60, geo.panel_w, 100)) >= READS,
                          name="keys_space_plays")
    time.sleep(1.0)
    img = gui.shot("keys_playing")
    assert text_score(img, HELP_TITLE, (0, 0, SIZE[0], SIZE[1])) < ABSENT, "Space pressed the Help button"
    assert np.array_equal(before[below_play], img[below_play]), "Space changed a panel control"
    gui.key("space")
    gui.wait_for("Space to pause again", lambda im: text_score(im, "Play", (0, 60, geo.panel_w, 100)) >= READS,
                 name="keys_space_pauses")
    time.sleep(0.5)
    end = gui.shot("keys_end")
    assert np.array_equal(before[controls], end[controls]), "the panel's controls look different after the keys"
    assert text_score(end, HELP_TITLE, (0, 0, SIZE[0], SIZE[1])) < ABSENT


def test_a_text_field_takes_the_shortcut_keys_while_typing(gui):
    """While the Save box has the keyboard, Space, S, R, F, H and the arrows are text; Esc leaves the field
    (it does not quit); afterwards the keys are shortcuts again."""
    geo = gui.geo
    img = gui.open_tab("Train")
    gui.move(*BLANK)
    _, figures_y = find_text(img, "iterations", (0, 150, 170, 450), topmost=True)
    figures = (slice(int(figures_y) - 10, int(figures_y) + 10), slice(165, int(geo.panel_w) - 10))  # iterations value
    trained = gui.steady(figures, "typing_before")[figures]  # the figures settle a frame or two after a pause
    img = gui.open_tab("Settings")
    x, y = find_text(img, "glnn-network.npz", (0, 60, geo.panel_w, SIZE[1]))
    gui.click(x, y)
    time.sleep(0.3)
    gui.key("ctrl+a")
    gui.xdo("type", "--delay", "60", "srhf net")
    for name in ("Left", "Left", "Left"):
        gui.key(name)
    gui.xdo("type", "X")
    box = (0, y - 20, geo.panel_w, y + 20)
    gui.wait_for("the typed name in the Save box", lambda im: text_score(im, "srhf Xnet", box) >= READS,
                 name="typing_typed")
    gui.key("space")  # a space, not play
    gui.wait_for("the space in the Save box", lambda im: text_score(im, "srhf X net", box) >= READS,
                 name="typing_space")
    gui.key("Return")  # done: the field lets the keyboard go
    assert gui.window_size() == SIZE, "F toggled full screen"
    # Esc in the field leaves it instead of quitting glnn
    gui.click(x, y)
    time.sleep(0.5)
    gui.key("Escape")
    try:
        gui.proc.wait(3)
        pytest.fail(f"Esc in the Save box quit glnn (exit status {gui.proc.returncode})")
    except subprocess.TimeoutExpired:
        pass
    img = gui.open_tab("Train")
    gui.move(*BLANK)
    time.sleep(0.5)
    img = gui.shot("typing_after")
    assert text_score(img, "Play", (0, 60, geo.panel_w, 100)) >= READS, "a typed Space started training"
    assert np.array_equal(trained, img[figures]), "a typed S or R trained or reset the network"
    assert text_score(img, HELP_TITLE, (0, 0, SIZE[0], SIZE[1])) < ABSENT
    # and out of the field the letters are shortcuts again: H hides the panel and shows it again
    gui.key("h")
    gui.wait_for("H to hide the panel", lambda im: text_score(im, "iterations", (0, 150, 170, 450)) < ABSENT,
                 name="typing_h_hides")
    gui.key("h")
    gui.wait_for("H to show the panel", lambda im: text_score(im, "iterations", (0, 150, 170, 450)) >= READS,
                 name="typing_h_shows")


def test_escape_quits(gui):
    gui.alive()
    gui.move(*BLANK)
    gui.key("Escape")
    try:
        code = gui.proc.wait(10)
    except subprocess.TimeoutExpired:
        pytest.fail("glnn still runs 10 s after Esc")
    log = gui.log.read_text()
    assert code == 0, f"exit status {code}: {log[-2000:]}"
    assert "Traceback" not in log, log[-2000:]
