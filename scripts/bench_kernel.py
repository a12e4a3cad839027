#!/usr/bin/env python3
"""Kernel throughput: per-sample SGD iterations/s, Numba vs a plain NumPy loop, in one process.

Same as `glnn bench`. Usage: scripts/bench_kernel.py [--seconds S]
"""
import sys

from glnn.cli import main

sys.exit(main(["bench", *sys.argv[1:]]))
