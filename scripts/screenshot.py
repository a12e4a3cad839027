#!/usr/bin/env python3
"""A headless screenshot with parts of the window state set by hand, for looking at views that
otherwise need clicks (the Help window, a tab, receptive fields).

Usage: scripts/screenshot.py out.png [--set name=value ...] [any glnn option]
e.g.   scripts/screenshot.py help.png --set show_help=True --iterations 2000
       scripts/screenshot.py draw.png --set tab='"draw"'
Values are Python literals; names are fields of glnn.controller.AppState.
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
    changes, passed = {}, []
    it = iter(rest)
    for word in it:
        if word == "--set":
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
        return launch.run(*cli.window_request(args, changes))
    except GlnnError as e:
        print(f"screenshot: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
