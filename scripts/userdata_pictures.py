#!/usr/bin/env python3
"""The README's pictures of your own data, rendered headless through scripts/screenshot.py:

  docs/teach.png        the Draw tab after teaching: a visitor's three drawings in the training set,
                        marked in the strip, the one on the grid answered right
  docs/your-points.png  points added by hand (squares) on a 2-D dataset's decision map, learnt

Usage: scripts/userdata_pictures.py [OUT_DIR]   (default: docs/ of this checkout)
A gallery script can call render(out_dir) instead.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import screenshot  # noqa: E402  (scripts/screenshot.py)

HOOKED_TWO = "0110010010000100010011111"  # drawings a digits5 network (seed 1) answers wrong untaught
ONE_AT_THE_EDGE = "1000010000100001000010000"
BOXY_EIGHT = "1111110001111111000111111"


def render(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    drawing = "[" + ",".join(HOOKED_TWO) + "]"
    status = screenshot.main([str(out_dir / "teach.png"), "--seed", "1", "--iterations", "100000",
                              "--set", 'tab="draw"', "--set", f"drawing={drawing}",
                              "--teach", f"1={ONE_AT_THE_EDGE}", "--teach", f"8={BOXY_EIGHT}",
                              "--teach", f"2={HOOKED_TWO}"])
    if status:
        return status
    points = []
    for dx in (-0.08, 0.0, 0.08):  # a little class-1 cluster where the data say nothing
        for dy in (-0.08, 0.0, 0.08):
            points += ["--point", f"1={-0.85 + dx:.2f},{0.05 + dy:.2f}"]
    points += ["--point", "0=0.75,0.9", "--point", "0=0.9,0.75"]  # and two class-0 points in class 1's corner
    return screenshot.main([str(out_dir / "your-points.png"), "--dataset", "gauss", "--seed", "2",
                            "--iterations", "30000", "--set", 'tab="draw"', *points])


if __name__ == "__main__":
    sys.exit(render(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs"))
