#!/usr/bin/env python3
"""Start-up cost of the kernels: compiling them into an empty Numba cache, and loading them from a warm one.

Each round runs two fresh processes per checkout: the first with an empty NUMBA_CACHE_DIR
(it compiles and saves train_steps and the evaluation kernel, as the first `glnn train`
on a machine does), the second with that same cache (it only loads). Each process reports
its own CPU time in building a Trainer and evaluating it, so the host's other load counts
less than in wall time. Checkouts are interleaved round by round, and the table gives
medians and the ratio to the first checkout: compare a change with what it changes by
passing both, e.g.

    scripts/bench_compile.py --rounds 3 --checkout /tmp/glnn-before --checkout .
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = """
import time
t0 = time.process_time()
from glnn.core.trainer import Trainer
t1 = time.process_time()
trainer = Trainer({"dataset": "digits5", "hidden": (16,)})  # compiles or loads train_steps
trainer.steps(10)
trainer.metrics()  # and the evaluation kernel
print(t1 - t0, time.process_time() - t1)
"""


def run_child(checkout: str, cache_dir: str) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir, "PYTHONPATH": os.path.abspath(checkout)}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--checkout", action="append", help="a glnn checkout (repeatable; default: this one)")
    args = ap.parse_args()
    checkouts = args.checkout or [os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")]
    cold = {c: [] for c in checkouts}
    warm = {c: [] for c in checkouts}
    for _ in range(args.rounds):
        for c in checkouts:
            with tempfile.TemporaryDirectory() as cache_dir:
                cold[c].append(run_child(c, cache_dir))
                warm[c].append(run_child(c, cache_dir))
    base_cold, base_warm = statistics.median(cold[checkouts[0]]), statistics.median(warm[checkouts[0]])
    print(f"{'checkout':<40} {'compile s':>10} {'ratio':>6} {'load s':>8} {'ratio':>6}"
          f"   (CPU seconds, median of {args.rounds})")
    for c in checkouts:
        mc, mw = statistics.median(cold[c]), statistics.median(warm[c])
        print(f"{os.path.normpath(c)[-40:]:<40} {mc:>10.2f} {mc / base_cold:>6.2f} {mw:>8.2f} {mw / base_warm:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
