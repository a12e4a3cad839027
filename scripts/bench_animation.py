#!/usr/bin/env python3
"""Python cost per frame of the step-through animation, rendered headless.

Times (perf_counter) every piece of per-frame Python the animation adds: advancing the state
machine and building its view, swapping it into the frame, the Style uniforms, the deltas
upload, the scene labels and the panel section. Measured over N frames while an animation plays
(a fake clock plays every phase of it over the run), and over N frames while training plays with no
animation (the hooks' idle cost).

Usage: PYTHONPATH=. scripts/bench_animation.py [--frames N] [--size WxH]
"""
import argparse
import collections
import functools
import inspect
import statistics
import time

from glnn import app as app_mod
from glnn import commands

CASES = (
    ("25-16-10", {"dataset": "digits5", "hidden": (16,)}),
    ("64-256-256-10", {"dataset": "digits8", "hidden": (256, 256)}),
)


def timed(owner, name, spent):
    raw = inspect.getattr_static(owner, name)
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - t0
    setattr(owner, name, staticmethod(wrapper) if isinstance(raw, staticmethod) else wrapper)
    return raw


def run(window, settings, frames, animate):
    from glnn.controller import Controller
    from glnn.core import step
    from glnn.core.trainer import Trainer
    from glnn.state import AppState
    from glnn.ui import step_labels
    from glnn.view import step_style
    spent = collections.Counter()
    patches = [(step.StepAnimation, "advance"), (step.StepAnimation, "view"),
               (Controller, "_animated"), (step_style, "styled"), (step_labels, "scene_labels"),
               (step_labels, "controls"), (step_labels, "caption")]
    originals = [(owner, name, timed(owner, name, spent)) for owner, name in patches]
    controller = Controller(Trainer(settings), AppState(playing=not animate, speed=20), threaded=False)
    app = app_mod.App(window, controller)
    deltas_upload = timed(app.scene.deltas, "upload", spent)
    try:
        for _ in range(5):
            app.frame()
        moment = [0.0]
        if animate:  # a clock that plays the whole animation, every phase, over the run
            controller.clock = lambda: moment[0]
            controller.apply(commands.Animate("step"))
            seconds_per_frame = controller.animation.total / (frames - 2)
        per_frame, phases, pieces = [], collections.Counter(), collections.Counter()
        for _ in range(frames):
            if animate:
                moment[0] += seconds_per_frame
            spent.clear()
            app.frame()
            window.flip()
            per_frame.append(sum(spent.values()))
            pieces.update(spent)
            if controller.animation is not None:
                phases[controller.animation.view().phase] += 1
        return per_frame, phases, {k: round(v / frames * 1e3, 3) for k, v in pieces.items()}
    finally:
        app.scene.deltas.upload = deltas_upload
        for owner, name, original in originals:
            setattr(owner, name, original)
        app.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--size", default="1280x720")
    args = p.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    app_mod.prepare_gl(True)
    window = app_mod.create_window((w, h), headless=True)
    print(f"{args.frames} frames at {w}x{h}: Python ms per frame spent in the animation's code")
    print(f"{'network':<14} {'while':<10} {'median':>7} {'p90':>7} {'max':>7}  phases")
    for label, settings in CASES:
        for animate in (True, False):
            rows, phases, pieces = run(window, settings, args.frames, animate)
            ms = sorted(r * 1e3 for r in rows)
            print(f"{label:<14} {'animating' if animate else 'training':<10} {statistics.median(ms):>7.3f} "
                  f"{ms[int(len(ms) * 0.9)]:>7.3f} {ms[-1]:>7.3f}  {dict(phases)}")
            print(f"{'':<25} mean ms by piece: {pieces}")
    window.close()


if __name__ == "__main__":
    main()
