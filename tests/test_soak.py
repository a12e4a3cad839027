"""Two minutes of the attract loop at full speed: memory, frame time and GL objects stay flat."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.gl
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_soak_two_minutes_without_growth(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "soak.py"), "--minutes", "2"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=580)
    print(r.stdout)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[-1] == "PASS"
    gl_rows = [line.split() for line in lines if line.startswith("GL ")]
    assert len(gl_rows) == 5 and all(row[-1] == row[-2] for row in gl_rows)
