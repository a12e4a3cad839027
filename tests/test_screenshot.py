"""The whole app rendered headless through the command line (`glnn --screenshot`), and its
one-line refusals."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.gl

REPO = Path(__file__).resolve().parent.parent
SIZE = (800, 600)


def run_glnn(args, cwd, display=False, timeout=120):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    env.pop("PYOPENGL_PLATFORM", None)  # the app must choose EGL on its own
    return subprocess.run([sys.executable, "-m", "glnn", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def shot(tmp_path_factory):
    from PIL import Image
    out = tmp_path_factory.mktemp("shot")
    proc = run_glnn(["--screenshot", "tmp.png", "--iterations", "2000", "--size", "%dx%d" % SIZE], cwd=out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    path = out / "tmp.png"
    assert path.is_file()
    with Image.open(path) as im:
        assert im.format == "PNG"
        size = im.size
        pixels = np.array(im.convert("RGB")).astype(int)
    return size, pixels


def scene_box(pixels):
    """The network, right of the panel, below the legend and above the image strip."""
    h, w = pixels.shape[:2]
    return pixels[int(h * 0.12):int(h * 0.83), int(w * 0.45):]


def mode_colour(pixels):
    """The most common colour of an (..., 3) array, and the share of pixels that have it."""
    flat = pixels.reshape(-1, 3)
    codes = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    values, counts = np.unique(codes, return_counts=True)
    code = int(values[counts.argmax()])
    return np.array([code >> 16, (code >> 8) & 255, code & 255]), counts.max() / len(codes)


def background_rgb():
    from glnn.view.palette import BACKGROUND
    return np.round(np.array(BACKGROUND[:3]) * 255).astype(int)


def test_screenshot_size(shot):
    size, pixels = shot
    assert size == SIZE
    assert pixels.shape == (SIZE[1], SIZE[0], 3)


def test_scene_background_is_the_background_colour(shot):
    """Most of the scene is empty background, and it must come out in glnn's background colour."""
    _, pixels = shot
    mode, share = mode_colour(scene_box(pixels))
    assert share > 0.1, "no dominant background colour in the scene region"
    assert np.abs(mode - background_rgb()).max() <= 1, (
        f"empty scene pixels are {tuple(mode)}, the background colour is {tuple(background_rgb())}: "
        f"the screenshot's framebuffer has too few bits per channel "
        f"({len(np.unique(pixels[..., 0]))} distinct red levels in the whole picture)")


def test_panel_is_drawn(shot):
    _, pixels = shot
    panel = pixels[:, :300].reshape(-1, 3)
    empty, _ = mode_colour(scene_box(pixels))  # what an empty pixel looks like in this picture
    like_empty = (np.abs(panel - empty).max(axis=1) <= 2).mean()
    assert like_empty < 0.3, f"{like_empty:.0%} of the panel region looks like empty background"
    # text and widgets: bright pixels, and many different colours
    assert (panel.sum(axis=1) > 500).mean() > 0.01
    assert len(np.unique((panel[:, 0] << 16) | (panel[:, 1] << 8) | panel[:, 2])) > 50


def test_scene_shows_positive_and_negative_connections(shot):
    _, pixels = shot
    box = scene_box(pixels)
    r, g, b = box[..., 0], box[..., 1], box[..., 2]
    reddish = ((r > b + 40) & (r > g + 20)).sum()
    bluish = ((b > r + 40) & (b > g)).sum()
    assert reddish > 500 and bluish > 500, (reddish, bluish)


# -- refusals: exit 2, one line on stderr, no traceback --------------------------------------------
def assert_one_line_error(proc):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), proc.stderr
    return lines[0]


def test_no_display_without_screenshot(tmp_path):
    proc = run_glnn([], cwd=tmp_path)
    line = assert_one_line_error(proc)
    assert "display" in line.lower()


def test_screenshot_must_be_png(tmp_path):
    proc = run_glnn(["--screenshot", "out.txt"], cwd=tmp_path)
    line = assert_one_line_error(proc)
    assert "out.txt" in line
    assert not (tmp_path / "out.txt").exists()


def test_size_too_small(tmp_path):
    proc = run_glnn(["--screenshot", "out.png", "--size", "10x10"], cwd=tmp_path)
    line = assert_one_line_error(proc)
    assert "10x10" in line
    assert not (tmp_path / "out.png").exists()
