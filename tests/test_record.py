"""`glnn record`: the frame schedule, the videos it writes, and its one-line errors."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glnn import cli
from glnn.record import caption_text, schedule
from glnn.core.data import load
from glnn.core.trainer import Metrics

ROOT = Path(__file__).resolve().parent.parent


def run_glnn(*argv, cwd) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, "-m", "glnn", *map(str, argv)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


# -- the schedule (no GL) ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["log", "linear"])
@pytest.mark.parametrize("iterations,frames", [(60_000, 300), (2000, 12), (30_000, 150), (5, 40), (1, 2), (7, 7)])
def test_schedule_is_monotone_from_zero_to_the_end(kind, iterations, frames):
    t = schedule(iterations, frames, kind)
    assert t.shape == (frames,) and t.dtype.kind == "i"
    assert t[0] == 0 and t[-1] == iterations
    assert np.all(np.diff(t) >= 0)


def test_log_schedule_puts_more_frames_early_than_linear():
    for iterations, frames in ((60_000, 300), (2000, 12), (1000, 100)):
        early = iterations // 10
        log, linear = schedule(iterations, frames, "log"), schedule(iterations, frames, "linear")
        assert np.sum(log <= early) > np.sum(linear <= early)


def test_log_schedule_never_repeats_a_frame_when_there_are_iterations_enough():
    for iterations, frames in ((60_000, 300), (300, 300), (2000, 12), (100, 50)):
        assert np.all(np.diff(schedule(iterations, frames, "log")) > 0)


def test_schedule_edge_cases():
    assert schedule(500, 1).tolist() == [500]  # one frame: the trained network
    assert schedule(0, 4).tolist() == [0, 0, 0, 0]
    assert schedule(100, 2, "linear").tolist() == [0, 100]
    with pytest.raises(ValueError):
        schedule(100, 0)


def test_caption_shows_finite_numbers():
    digits5, xor3 = load("digits5"), load("xor3")
    text = caption_text(Metrics(12345, 0.0123, 0.9, 0.0, 0.0, False, 0.0, ""), digits5)
    assert text == "iteration 12,345 · mean loss 0.0123 · accuracy 90%"
    text = caption_text(Metrics(7, float("nan"), float("inf"), 0.5, 0.25, True, 0.0, ""), digits5)
    assert "nan" not in text.lower() and "inf" not in text.lower() and "test accuracy 25%" in text
    text = caption_text(Metrics(0, 0.25, 0.4, 0.1, 1.0, True, 0.0, ""), xor3)  # one unseen pattern, not 100 %
    assert text.endswith(" · new pattern [1, 1, 0]: right") and "100%" not in text


# -- videos (headless EGL) --------------------------------------------------------------------
def read_frames(path: Path) -> np.ndarray:
    import imageio.v3 as iio
    return np.asarray(iio.imread(path, index=None))


@pytest.mark.gl
@pytest.mark.parametrize("name", ["run.mp4", "run.gif"])
def test_record_writes_a_video_that_decodes(tmp_path, name):
    out = tmp_path / name
    r = run_glnn("record", out, "--frames", 12, "--size", "320x240", "--iterations", 2000, "--fps", 10, "--quiet",
                 cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"wrote {out} (12 frames, 320x240, 10 fps)"
    frames = read_frames(out)
    assert frames.shape[:3] == (12, 240, 320)
    first, last = frames[0].astype(np.int16), frames[-1].astype(np.int16)
    assert np.abs(first - last).mean() > 2.0  # the trained network looks different from the random one
    assert frames[-1].max() > 100  # not a black video
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left behind


# -- errors: one line, exit 2, no file --------------------------------------------------------
@pytest.mark.parametrize("argv,words", [
    (["out.avi"], ".mp4 or .gif"),
    (["out.mp4", "--frames", "0"], "--frames"),
    (["out.mp4", "--fps", "0"], "--fps"),
    (["out.mp4", "--fps", "241"], "--fps"),
    (["out.gif", "--fps", "60"], "--fps"),
    (["missing/dir/out.mp4"], "cannot write"),
    ([".", "--frames", "3"], ".mp4 or .gif"),
    (["out.mp4", "--size", "10x10"], "--size"),
])
def test_bad_input_is_one_line_and_leaves_nothing(tmp_path, argv, words):
    r = run_glnn("record", *argv, cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("glnn: ") and words in lines[0], r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_a_directory(tmp_path, capsys):
    (tmp_path / "video.mp4").mkdir()
    assert cli.main(["record", str(tmp_path / "video.mp4"), "--frames", "2"]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_missing_imageio_names_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio", None)  # import imageio now raises ImportError
    assert cli.main(["record", str(tmp_path / "out.mp4"), "--frames", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert "pip install '.[video]'" in err and "\n" not in err
    assert list(tmp_path.iterdir()) == []
