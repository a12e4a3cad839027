#!/usr/bin/env python3
"""A headless screenshot with parts of the window state set by hand, for looking at views that
otherwise need clicks (the Help window, a tab, receptive fields).

Usage: scripts/screenshot.py out.png [--set name=value ...] [--teach LABEL=PIXELS ...]
                              [--point CLASS=X1,X2 ...] [any glnn option]
e.g.   scripts/screenshot.py help.png --set show_help=True --iterations 2000
       scripts/screenshot.py draw.png --set tab='"draw"'
       scripts/screenshot.py teach.png --set tab='"draw"' --teach 3=1111000001011100000111110 --iterations 20000
Values are Python literals; names are fields of glnn.state.AppState. --teach adds a drawing (its
pixels row by row, 0 or 1) to the training set as an example of LABEL, as the Draw tab's "this is a"
buttons do; --point adds a point of a 2-D dataset, as a click on the decision map does. Both are
added before the --iterations are trained.
"""
from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glnn import cli  # noqa: E402
from glnn.core.errors import GlnnError  # noqa: E402
from glnn.state import AppState  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, rest = argv[0], argv[1:]
    fields = {f.name for f in dataclasses.fields(AppState)}
    changes, passed, examples = {}, [], []
    it = iter(rest)
    for word in it:
        if word in ("--teach", "--point"):
            label, _, values = next(it, "").partition("=")
            try:
                x = [float(c) for c in values] if word == "--teach" else [float(v) for v in values.split(",")]
                examples.append((x, label))
            except ValueError:
                print(f"screenshot: {word} {label}={values}: expected LABEL=0101.. or CLASS=X1,X2", file=sys.stderr)
                return 2
        elif word == "--set":
            name, _, text = next(it, "").partition("=")
            if name not in fields:
                print(f"screenshot: --set {name!r}: not an AppState field", file=sys.stderr)
                return 2
            try:
                changes[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                print(f"screenshot: --set {name}: {text!r} is not a Python literal", file=sys.stderr)
                return 2
        else:
            passed.append(word)
    try:
        args = cli.window_parser().parse_args(["--screenshot", out, *passed])
        from glnn import launch
        trainer, *rest = cli.window_request(args, changes)
        for x, label in examples:
            names = trainer.dataset.class_names
            if label not in names:
                raise GlnnError(f"no class {label!r}; the classes are {', '.join(names)}")
            trainer.add_example(x, names.index(label))
        return launch.run(trainer, *rest)
    except GlnnError as e:
        print(f"screenshot: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
