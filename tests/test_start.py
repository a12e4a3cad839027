"""The window's start: its first frame is drawn before Numba is imported, frames keep coming while the
kernels load, what those frames showed is what the kernels compute, and training then runs
(glnn.core.lazy_kernels). The real `glnn` entry point in an Xvfb, with App.frame wrapped to report."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test_e2e import APP_ROOT, _kill, _start_xvfb

pytestmark = pytest.mark.e2e

# glnn's own entry point; App.frame reports each frame (a JSON line) and ends the process once
# training has run a while with the kernels
CHILD = r"""
import json, os, sys, time
import numpy as np
import glnn.app
from glnn.core import lazy_kernels
drawn = glnn.app.App.frame
first = {}
def frame(self):
    drawn(self)
    tr = self.controller.trainer
    report = dict(numba="numba" in sys.modules, loaded=lazy_kernels.loaded(), iterations=tr.iterations)
    if not first:  # what the first frame read, by NumPy: kept to compare with the kernels later
        x = tr.dataset.x_train[0]
        first.update(params=tr.net.params.copy(), x=x, layers=np.concatenate(tr.forward(x)),
                     evaluation=tr.evaluation("train")[:2], shown=tr.iterations)
    elif lazy_kernels.loaded() and "checked" not in first:
        first["checked"] = True
        layers = np.concatenate(tr.forward(first["x"], first["params"]))
        loss, accuracy = tr.evaluation("train", first["params"])[:2]
        report.update(layers_diff=float(np.abs(layers - first["layers"]).max()),
                      loss=[first["evaluation"][0], loss], accuracy=[first["evaluation"][1], accuracy])
    print(json.dumps(report), flush=True)
    if report["loaded"] and tr.iterations >= 200:
        os._exit(0)
glnn.app.App.frame = frame
from glnn import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def run_window(code: str, args: list[str], cwd) -> subprocess.CompletedProcess:
    """`python -c code args...` with glnn importable, in an Xvfb of its own."""
    log = open(cwd / "xvfb.log", "wb")
    xvfb = None
    try:
        xvfb, display = _start_xvfb(log)
        env = {k: v for k, v in os.environ.items() if k not in ("PYOPENGL_PLATFORM", "WAYLAND_DISPLAY")}
        env.update(DISPLAY=display, PYTHONPATH=str(APP_ROOT))
        return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=240)
    finally:
        _kill(xvfb)
        log.close()


@pytest.mark.parametrize("speed", ["20", "0"], ids=["inline", "max on the training thread"])
def test_the_first_frame_comes_before_numba_and_training_follows(tmp_path, speed):
    r = run_window(CHILD, ["--size", "800x600", "--play", "--speed", speed], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    frames = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert frames[0]["numba"] is False and frames[0]["loaded"] is False, frames[0]
    waiting = [f for f in frames if not f["loaded"]]
    assert len(waiting) >= 2, "the window froze while the kernels loaded"
    assert all(f["iterations"] == 0 for f in waiting), "training ran before its kernels were there"
    checked = next(f for f in frames if "layers_diff" in f)
    assert checked["layers_diff"] <= 1e-6, checked  # what the first frames drew is what the kernels compute
    assert checked["loss"][0] == pytest.approx(checked["loss"][1], rel=1e-5)
    assert checked["accuracy"][0] == checked["accuracy"][1]
    assert frames[-1]["loaded"] and frames[-1]["iterations"] >= 200  # --play trains once they are there


# the kernels' set-up fails (a broken Numba, say): made to fail after the module is imported
BROKEN = r"""
import sys
from glnn.core import kernels
def warm_up():
    raise RuntimeError("no LLVM here")
kernels.warm_up = warm_up
from glnn import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def test_kernels_that_cannot_load_end_the_window_with_one_line(tmp_path):
    """Not a window that never trains, nor a traceback from a thread: glnn's one-line error and exit 2."""
    r = run_window(BROKEN, ["--size", "640x480", "--play"], tmp_path)
    assert r.returncode == 2, (r.returncode, r.stderr[-3000:])
    assert r.stderr.strip() == "glnn: the training kernels could not be loaded (RuntimeError: no LLVM here)", r.stderr
