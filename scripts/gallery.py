#!/usr/bin/env python3
"""Render every picture of glnn worth looking at, with the settings that made it, into OUTDIR.

Usage: scripts/gallery.py OUTDIR [--readme] [--only NAME[,NAME...]]

Each picture prints one line: its file, what it shows, and the figures behind its caption
(iterations, accuracy), so that a caption's claim can be checked. A picture whose caption says
the network learned fails the run (exit 1) if the figures say otherwise. --readme renders only
the pictures the README shows (scripts/gallery.py docs --readme refreshes them); the others are
for review: kiosk screens, large text, Help, mid-animation.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from glnn import cli  # noqa: E402
from glnn.core.errors import GlnnError  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Shot:
    name: str  # file name without .png
    caption: str  # what the picture shows, with its settings
    flags: tuple[str, ...] = ()  # glnn window flags (as on the command line)
    state: dict = dataclasses.field(default_factory=dict)  # AppState fields set after the flags
    learned: float | None = None  # the caption claims at least this train accuracy
    readme: bool = False
    render: Callable | None = None  # a renderer of its own (kiosk screens), else glnn --screenshot
    # examples added by hand before the picture, as (class name, sample): a drawing's pixels as a
    # string of 0/1 (the Draw tab's "this is a ..." buttons) or a point (x1, x2) (a click on the map)
    examples: tuple = ()


def window_shot(shot: Shot, path: Path):
    """The picture `glnn --screenshot` makes with the shot's flags; returns the trainer."""
    from glnn import launch
    args = cli.window_parser().parse_args(["--screenshot", str(path), *shot.flags])
    trainer, state, exhibit, options = cli.window_request(args, shot.state)
    for name, sample in shot.examples:
        values = [float(c) for c in sample] if isinstance(sample, str) else list(sample)
        trainer.add_example(values, trainer.dataset.class_names.index(name))
    sys.stdout = open(os.devnull, "w")  # launch prints "wrote ..."; the gallery prints its own line
    try:
        launch.run(trainer, state, exhibit, options)
    finally:
        sys.stdout.close()
        sys.stdout = sys.__stdout__
    return trainer


def kiosk_shot(demo_seconds: float | None, pretrain: int = 0):
    """A kiosk screen: the attract demo `demo_seconds` into its script, or (None) a visitor's screen
    after `pretrain` iterations. Frames between are trained but not drawn (a fake clock at 30 frames/s)."""
    def render(shot: Shot, path: Path):
        from glnn.app import App, create_window, prepare_gl
        from glnn.controller import Controller
        args = cli.window_parser().parse_args(["--kiosk", *shot.flags])
        trainer, state, exhibit, options = cli.window_request(args, shot.state)
        from glnn.core import lazy_kernels
        lazy_kernels.load()  # a window draws all but its first frames with them: so does a picture of it
        trainer.steps(pretrain)
        prepare_gl(True)
        window = create_window(options.size, headless=True)
        clock = [1000.0]
        controller = Controller(trainer, state, threaded=False)
        app = App(window, controller, exhibit, clock=lambda: clock[0])
        try:
            if demo_seconds is not None:
                clock[0] += state.idle_timeout + 0.1  # nobody touched it: the demo starts
                for _ in range(int(demo_seconds * 30)):
                    app.tick()
                    clock[0] += 1 / 30
            for _ in range(3):
                app.frame()
            app.screenshot(str(path))
            return app.controller.trainer
        finally:
            app.close()
            window.close()
    return render


# drawings a digits5 network (seed 1) answers wrong until taught
HOOKED_TWO = "0110010010000100010011111"
ONE_AT_THE_EDGE = "1000010000100001000010000"
BOXY_EIGHT = "1111110001111111000111111"
# a little class-1 cluster where the gauss data say nothing, and two class-0 points in class 1's corner
YOUR_POINTS = (tuple(("1", (-0.85 + dx, 0.05 + dy)) for dx in (-0.08, 0.0, 0.08) for dy in (-0.08, 0.0, 0.08))
               + (("0", (0.75, 0.9)), ("0", (0.9, 0.75))))

SHOTS = (
    Shot("screenshot", "digits5, 25-16-10 sigmoid, lr 0.5, after 4,000 iterations: the network answers 9 for "
         "the training image 9", ("--iterations", "4000"), learned=0.9, readme=True),
    Shot("receptive-fields", "digits5, 25-16-10, 20,000 iterations: each hidden neuron's incoming weights as a "
         "5x5 picture", ("--iterations", "20000"), {"receptive_fields": True}, learned=0.9, readme=True),
    Shot("timeline", "digits5, 3,000 iterations, the timeline dragged back to iteration 40",
         ("--iterations", "3000", "--scrub", "40"), readme=True),
    Shot("results", "digits5 after 3,000 iterations: the Results tab (train vs test, the confusion matrix of "
         "the test set, the mistakes)", ("--iterations", "3000"), {"tab": "results"}, readme=True),
    Shot("decision-map", "spiral learned by a 2-16-16-1 tanh network (lr 0.05, 400,000 iterations): the decision "
         "map with the data, a picture per neuron",
         ("--dataset", "spiral", "--hidden", "16,16", "--activation", "tanh", "--lr", "0.05",
          "--iterations", "400000"), learned=0.95, readme=True),
    Shot("hidden-space", "xor, 2-3-1 tanh, lr 0.1, 5,000 iterations: the Space tab, the points and the plane's "
         "grid as two hidden neurons see them", ("--dataset", "xor", "--hidden", "3", "--activation", "tanh",
                                                  "--lr", "0.1", "--iterations", "5000", "--tab", "space"),
         learned=0.95, readme=True),
    Shot("features", "circle, inputs x1² and x2², no hidden layer, noise 0.3, 50,000 iterations: the Data tab",
         ("--dataset", "circle", "--features", "x1sq,x2sq", "--hidden", "0", "--noise", "0.3",
          "--iterations", "50000", "--tab", "data"), learned=0.95, readme=True),
    Shot("teach", "digits5, seed 1, 100,000 iterations with three drawings taught (a 1 at the edge, a boxy 8, "
         "a hooked 2): the Draw tab, the hooked 2 on the grid answered 2",
         ("--seed", "1", "--iterations", "100000"),
         {"tab": "draw", "drawing": np.array([float(c) for c in HOOKED_TWO], np.float32)}, learned=0.99, readme=True,
         examples=(("1", ONE_AT_THE_EDGE), ("8", BOXY_EIGHT), ("2", HOOKED_TWO))),
    Shot("your-points", "gauss, seed 2, 30,000 iterations with 11 points added by hand (squares): nine of class 1 "
         "left of centre, two of class 0 in class 1's corner", ("--dataset", "gauss", "--seed", "2",
                                                                  "--iterations", "30000"),
         {"tab": "data"}, readme=True, examples=YOUR_POINTS),
    Shot("step-animation", "xor3, 2,000 iterations, the step animation at 6.5 s: the update, each neuron "
         "with its σ, b and δ", ("--dataset", "xor3", "--iterations", "2000", "--animate-at", "6.5"), readme=True),
    Shot("kiosk-1080-demo", "kiosk at 1920x1080: the attract demo 18 s in (training, with its caption)",
         ("--size", "1920x1080"), render=kiosk_shot(18.0)),
    Shot("kiosk-2160-demo", "kiosk at 3840x2160: the attract demo 18 s in", ("--size", "3840x2160"),
         render=kiosk_shot(18.0)),
    Shot("kiosk-1080-visitor", "kiosk at 1920x1080: a visitor's screen after 5,000 iterations",
         ("--size", "1920x1080"), render=kiosk_shot(None, 5000)),
    Shot("kiosk-2160-visitor", "kiosk at 3840x2160: a visitor's screen after 5,000 iterations",
         ("--size", "3840x2160"), render=kiosk_shot(None, 5000)),
    Shot("ui-scale-2.5", "the window at 1920x1080, ui_scale 2.5, digits5 after 3,000 iterations",
         ("--size", "1920x1080", "--ui-scale", "2.5", "--iterations", "3000")),
    Shot("help", "the Help window over digits5", ("--iterations", "2000"), {"show_help": True}),
    Shot("results-digits8", "digits8, 25,000 iterations: the Results tab", ("--dataset", "digits8",
         "--hidden", "32", "--iterations", "25000"), {"tab": "results"}),
    Shot("step-backprop", "digits5, 500 iterations: the step animation mid-backprop (4.5 s)",
         ("--iterations", "500", "--animate-at", "4.5")),
    Shot("xor3", "xor3 after 5,000 iterations (the new pattern [1,1,0] as its test)",
         ("--dataset", "xor3", "--iterations", "5000")),
)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    p.add_argument("--readme", action="store_true", help="only the README's pictures")
    p.add_argument("--only", help="comma-separated picture names")
    args = p.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(",")) if args.only else None
    failed = 0
    for shot in SHOTS:
        if (args.readme and not shot.readme) or (only and shot.name not in only):
            continue
        path = out / f"{shot.name}.png"
        t0 = time.perf_counter()
        try:
            trainer = (shot.render or window_shot)(shot, path)
        except GlnnError as e:
            print(f"{path}: glnn: {e}", file=sys.stderr)
            return 2
        m = trainer.metrics()
        figures = f"{m.iterations:,} iterations, train accuracy {m.train_accuracy:.1%}"
        if m.has_test:
            figures += f", test accuracy {m.test_accuracy:.1%}"
        verdict = ""
        if shot.learned is not None and m.train_accuracy < shot.learned:
            verdict = f"  FAIL: the caption says it learned (>= {shot.learned:.0%})"
            failed += 1
        print(f"{path}  {shot.caption}  [{figures}; {time.perf_counter() - t0:.1f} s]{verdict}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
