"""Command line: `glnn` (the window), `glnn train`, `glnn bench`.

Every bad argument or file ends in one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Sequence

from glnn.core import settings
from glnn.core.errors import GlnnError

COMMANDS = ("train", "bench", "record")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse would print the whole usage)
        where = f"{self.prog.split()[-1]}: " if " " in self.prog else ""  # "glnn: " is added by main()
        raise GlnnError(f"{where}{message} (see --help)")


def _setting_type(setting: settings.Setting):
    def parse(text: str) -> Any:
        try:
            return setting.parse(text)
        except GlnnError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    parse.__name__ = setting.kind
    return parse


def add_setting_flags(parser: argparse.ArgumentParser, section: str, skip: tuple[str, ...] = ()) -> None:
    """One flag per declared setting of `section` (but `skip`); defaults stay None so only given flags override."""
    group = parser.add_argument_group(f"{section} settings")
    for s in settings.SETTINGS:
        if s.section != section or s.name in skip:
            continue
        if s.kind == "bool":
            group.add_argument(s.flag, action=argparse.BooleanOptionalAction, default=None,
                               help=f"{s.help} (default: {'on' if s.default else 'off'})")
        else:
            default = ",".join(map(str, s.default)) if s.kind in ("layers", "parts") else s.default
            extra = f"; one of {', '.join(s.choices)}" if s.choices else ""
            group.add_argument(s.flag, type=_setting_type(s), default=None, metavar=s.kind.upper(),
                               help=f"{s.help}{extra} (default: {default})")


def given_settings(args: argparse.Namespace, section: str) -> dict[str, Any]:
    return {s.name: getattr(args, s.name) for s in settings.SETTINGS
            if s.section == section and getattr(args, s.name, None) is not None}


def _at_least_one(text: str) -> int:
    value = _positive_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def make_trainer(args: argparse.Namespace, base: dict[str, Any] | None = None):
    """A trainer from the flags given (over `base`, e.g. an exhibit config's train settings)."""
    from glnn.core.trainer import Trainer
    chosen = {k: v for k, v in (base or {}).items() if k in settings.TRAIN_KEYS}
    chosen.update(given_settings(args, "train"))
    if getattr(args, "load", None):
        return Trainer.from_file(args.load, chosen)
    return Trainer(chosen)


# -- glnn train -------------------------------------------------------------------------------
def train_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="glnn train", description="Train a network without a window and report how it did.")
    p.add_argument("--iterations", type=_positive_int, default=100_000, help="SGD iterations (default: 100000)")
    p.add_argument("--load", metavar="FILE", help="continue from a saved network (.npz)")
    p.add_argument("--save", metavar="FILE", help="save the trained network (.npz, written atomically)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_setting_flags(p, "train", skip=("speed",))  # speed is iterations per frame: no frames here
    return p


def cmd_train(argv: Sequence[str]) -> int:
    args = train_parser().parse_args(argv)
    from glnn.core import model
    if args.save:
        model.save_target(args.save)  # refuse a bad path before training, not after
    trainer = make_trainer(args)
    total = args.iterations
    from tqdm import tqdm
    chunk = max(10_000, min(500_000, total // 100 or 1))  # big calls: the kernel, not Python, sets the pace
    with tqdm(total=total, unit="it", unit_scale=True, disable=args.quiet, file=sys.stderr,
              dynamic_ncols=True, leave=False) as bar:
        done = 0
        while done < total:
            ran = trainer.steps(min(chunk, total - done))
            done += ran
            bar.update(ran)
            if trainer.stopped:
                break
    m = trainer.metrics()
    rate = done / trainer.kernel_seconds if trainer.kernel_seconds > 0 else 0.0
    line = (f"{trainer.dataset.name} {'-'.join(map(str, trainer.arch.sizes))}: {m.iterations:,} iterations, "
            f"loss {m.train_loss:.5f}, train accuracy {m.train_accuracy:.1%}")
    if m.has_test:
        line += f", test accuracy {m.test_accuracy:.1%} (test loss {m.test_loss:.4f})"
    print(line + f", {rate:,.0f} it/s")
    if trainer.diverged:
        print(f"note: {trainer.diverged}")
    if args.save:
        trainer.save(args.save)
        print(f"saved {args.save}")
    return 1 if trainer.stopped else 0


# -- glnn bench -------------------------------------------------------------------------------
def cmd_bench(argv: Sequence[str]) -> int:
    p = _Parser(prog="glnn bench", description="Measure SGD iterations/s: the Numba kernel against plain NumPy.")
    p.add_argument("--seconds", type=float, default=2.0, help="time per network for the Numba kernel")
    p.add_argument("--numpy-iterations", type=_positive_int, default=20_000, help="iterations of the NumPy loop")
    args = p.parse_args(argv)
    if not 0 < args.seconds <= 600:
        raise GlnnError("--seconds must be more than 0 and at most 600")
    from glnn import bench
    bench.run(args.seconds, max(1, args.numpy_iterations))
    return 0


# -- glnn record ------------------------------------------------------------------------------
def record_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="glnn record", description="Render a training run offscreen into a video (.mp4 or .gif).")
    p.add_argument("output", help="the video file to write: .mp4 or .gif")
    p.add_argument("--iterations", type=_positive_int, default=60_000, help="iterations trained over the video")
    p.add_argument("--frames", type=_at_least_one, default=300, help="number of frames (default 300)")
    p.add_argument("--fps", type=_at_least_one, default=30, help="frames per second (default 30)")
    p.add_argument("--size", default="1920x1080", metavar="WxH", help="video size (default 1920x1080)")
    p.add_argument("--schedule", choices=("log", "linear"), default="log",
                   help="log: more frames early, where the network changes fastest (default); linear: evenly")
    p.add_argument("--load", metavar="FILE", help="start from a saved network (.npz)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_setting_flags(p, "train", skip=("speed",))  # the schedule sets the pace
    add_setting_flags(p, "view")
    return p


def cmd_record(argv: Sequence[str]) -> int:
    args = record_parser().parse_args(argv)
    size = parse_size(args.size)
    from glnn import record
    return record.main(args, size)


# -- glnn (the window) ------------------------------------------------------------------------
def window_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="glnn", description="Watch a neural network learn. Subcommands: "
                "'glnn train' (no window), 'glnn bench' (kernel speed), 'glnn record' (video). Keys: Space play/pause, S step, "
                "R reset, Left/Right step through the timeline, F full-screen, H hide panel, Esc leave full-screen / quit.")
    p.add_argument("--screenshot", metavar="PNG", help="render one frame to a PNG and exit (no display needed)")
    p.add_argument("--iterations", type=_positive_int, default=0, help="train this many iterations first")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="window or screenshot size (default 1280x720)")
    p.add_argument("--fullscreen", action="store_true", help="start full-screen")
    p.add_argument("--play", action="store_true", help="start training at once")
    p.add_argument("--scrub", type=_positive_int, metavar="ITERATION",
                   help="show the network as it was at this iteration (the nearest snapshot at or before it)")
    p.add_argument("--load", metavar="FILE", help="start from a saved network (.npz)")
    p.add_argument("--kiosk", action="store_true",
                   help="exhibit mode: full screen, attract demo when idle, quit only with the quit chord")
    p.add_argument("--config", metavar="TOML", help="exhibit config file (see --print-config)")
    p.add_argument("--animate-at", type=float, metavar="SECONDS",
                   help="with --screenshot: show the step-through animation SECONDS after it starts")
    p.add_argument("--print-config", action="store_true", help="print a complete, commented config and exit")
    add_setting_flags(p, "train")
    add_setting_flags(p, "view")
    add_setting_flags(p, "kiosk")
    return p


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise GlnnError(f"--size: expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (160 <= w <= 8192 and 120 <= h <= 8192):
        raise GlnnError(f"--size: {w}x{h} is outside 160x120..8192x8192")
    return w, h


def cmd_window(argv: Sequence[str]) -> int:
    args = window_parser().parse_args(argv)
    if args.print_config:
        from glnn import exhibit
        print(exhibit.default_text())
        return 0
    size = parse_size(args.size)
    if not args.screenshot:  # a session that trains for a while: compile the faster kernels in the background
        from glnn.core import specialise
        specialise.background = True
    from glnn import app
    return app.main(args, size)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return {"train": cmd_train, "bench": cmd_bench, "record": cmd_record}[argv[0]](argv[1:])
        return cmd_window(argv)
    except GlnnError as e:
        print(f"glnn: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `glnn --print-config | head`: the reader has gone, which is fine
        # Python would complain again when it flushes stdout at exit: point it at nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
