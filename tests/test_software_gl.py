"""On a software rasteriser (Mesa's llvmpipe, as here), the window leaves the training thread a core:
prepare_gl(training_thread=True) starts one rasteriser thread fewer than the cores, and a count the
user set is kept. Each case is a fresh interpreter, because Mesa reads the count when GL starts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys
from glnn import app
app.prepare_gl(True, training_thread=sys.argv[1] == "1")
window = app.create_window((64, 64), headless=True)
from pyglet import gl
renderer = gl.gl_info.get_renderer()
names = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
print(json.dumps({"renderer": renderer, "rasterisers": sum(n.startswith("llvmpipe-") for n in names)}))
"""


def probe(training_thread: bool, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k != "LP_NUM_THREADS"}
    r = subprocess.run([sys.executable, "-c", PROBE, "1" if training_thread else "0"], capture_output=True,
                       text=True, timeout=120, env={**clean, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.gl
def test_the_window_leaves_the_training_thread_a_core():
    cores = len(os.sched_getaffinity(0))
    drawing_only = probe(False)
    assert "llvmpipe" in drawing_only["renderer"]
    assert drawing_only["rasterisers"] == cores  # Mesa's own choice: a thread per core
    assert probe(True)["rasterisers"] == max(1, cores - 1)
    assert probe(True, LP_NUM_THREADS="3")["rasterisers"] == 3  # the user's count is kept
