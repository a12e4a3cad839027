"""Thousands of random real X events into the real window (scripts/fuzz_ui.py under Xvfb).

Afterwards glnn must still answer input, must have printed no traceback or error, and its
self-check must have found no NaN or infinite number on screen; then it quits cleanly.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _fuzz(*args: str, cwd: Path, timeout: float) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYOPENGL_PLATFORM", "DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "fuzz_ui.py"), *args],
                       capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1] == "PASS"
    return r.stdout


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_fuzz_5000_events_in_a_window(tmp_path):
    out = _fuzz("--events", "5000", "--seed", "7", "--rate", "60", cwd=tmp_path, timeout=580)
    assert re.search(r"^events: 5000 ", out, re.M)
    listed = re.search(r"^kinds: (.*)$", out, re.M).group(1).split(", ")
    kinds = {name: int(count) for name, count in (item.rsplit(" ", 1) for item in listed)}
    # the run really exercised the risky parts: sliders to extremes, architecture and dataset changes, resizes
    for kind in ("slider drags", "architecture", "combo dataset", "resize", "key"):
        assert kinds[kind] > 20, (kind, kinds)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_fuzz_kiosk_ignores_escape_and_quits_with_the_chord(tmp_path):
    out = _fuzz("--events", "600", "--seed", "3", "--rate", "60", "--kiosk", cwd=tmp_path, timeout=280)
    assert re.search(r"^events: 600 ", out, re.M)


def test_self_check_names_a_non_finite_number():
    from glnn.controller import Frame
    from glnn.core.trainer import Metrics

    m = Metrics(iterations=1, train_loss=0.5, train_accuracy=0.1, test_loss=0.0, test_accuracy=0.0,
                has_test=False, rate=1.0, diverged="")
    ok = dict(params=np.zeros(4, np.float32), activations=np.zeros(3, np.float32), layer_sizes=(1, 1, 1),
              outputs=np.zeros(1, np.float32), prediction=0, input_index=0, picked_index=-1, metrics=m,
              metric_x=np.arange(3.0), metric_y=np.ones(3),
              iterations_per_second=10.0)
    assert Frame(**ok).non_finite() == []
    bad = {**ok, "outputs": np.array([np.nan], np.float32), "metrics": Metrics(**{**m.__dict__, "train_loss": np.inf})}
    assert Frame(**bad).non_finite() == ["outputs", "train_loss"]
