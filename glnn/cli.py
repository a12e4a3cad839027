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
            default = ",".join(map(str, s.default)) if s.kind in ("layers", "parts", "subset") else s.default
            if s.name in settings.PRESET_KEYS:
                default = f"the dataset's preset, {default} for {settings.BY_NAME['dataset'].default}"
            extra = f"; {'any' if s.kind == 'subset' else 'one'} of {', '.join(s.choices)}" if s.choices else ""
            if s.kind == "dataset":
                extra += f", or a file ending in {settings.CSV_SUFFIX}"
            group.add_argument(s.flag, type=_setting_type(s), default=None, metavar=s.kind.upper(),
                               help=f"{s.help}{extra} (default: {default})")


def _given(args: argparse.Namespace, section: str) -> dict[str, Any]:
    """The settings of `section` given as flags (those left out stay None and are not listed)."""
    return {s.name: getattr(args, s.name) for s in settings.SETTINGS
            if s.section == section and getattr(args, s.name, None) is not None}


def config(args: argparse.Namespace, section: str, base: dict[str, Any] | None = None,
           kiosk: bool = False) -> dict[str, Any]:
    """The values of one settings section chosen for this run, as plain data: the kiosk defaults (in
    kiosk mode: visitors get bigger controls, no expert settings and a network that recovers by
    itself), then `base` (an exhibit config), then the flags given. Settings chosen nowhere are left
    out (their declared defaults apply; a loaded network keeps its own architecture)."""
    keys = {s.name for s in settings.SETTINGS if s.section == section}
    values = {k: v for k, v in settings.KIOSK_DEFAULTS.items() if k in keys} if kiosk else {}
    values.update({k: v for k, v in (base or {}).items() if k in keys})
    values.update(_given(args, section))
    return values


def make_trainer(args: argparse.Namespace, base: dict[str, Any] | None = None, kiosk: bool = False,
                 load_kernels: bool = True):
    """A trainer from the flags given (over `base`, e.g. an exhibit config's train settings). The hidden
    layers, activation and learning rate not given come from the dataset's preset, unless a network is
    loaded (it brings its own). load_kernels=False: see Trainer."""
    from glnn.core.trainer import Trainer
    chosen = config(args, "train", base, kiosk)
    load = getattr(args, "load", None)
    trainer = Trainer.create(chosen if load else settings.with_preset(chosen), load, load_kernels)
    check_applies(_given(args, "train"), trainer.dataset)
    return trainer


def check_applies(chosen: dict[str, Any], dataset) -> None:
    """Refuse a data flag given for a dataset it does nothing to (never silently ignore it). An exhibit
    config may hold them for the 2-D sets its visitors or its attract demo choose later: not refused."""
    for name in ("noise", "train_ratio"):
        if name in chosen and dataset.name not in settings.GENERATED:
            raise GlnnError(f"setting '{name}' (--{name.replace('_', '-')}) is for the generated 2-D sets "
                            f"({', '.join(settings.GENERATED)}), not {dataset.name}")
    if "features" in chosen and not dataset.has_plane:
        raise GlnnError(f"setting 'features' (--features) is for 2-D point sets ({', '.join(settings.GENERATED)}), not {dataset.name}")


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
    """Train, print the figures; exit 0, or 1 with one line on stderr when the run ended diverged."""
    args = train_parser().parse_args(argv)
    from glnn.core import model
    if args.save:
        model.check_writable(args.save)  # refuse a bad place before training, not after
    trainer = make_trainer(args)
    total = args.iterations
    from tqdm import tqdm
    # big calls, so that the kernel, not Python, sets the pace; yet a hundredth of the run at most,
    # since a divergence with on_diverge = reset throws the rest of its call away
    chunk = max(1_000, min(500_000, total // 100))
    divergences, stopped_at, lr = 0, -1, trainer.settings["lr"]
    trained, kernel_seconds = 0, 0.0  # for the rate: iterations that ran, seconds inside the kernel
    with tqdm(total=total, unit="it", unit_scale=True, disable=args.quiet, file=sys.stderr,
              dynamic_ncols=True, leave=False) as bar:
        done = 0  # iterations spent, whether on the network at the end or on one a divergence threw away
        while done < total:
            want = min(chunk, total - done)
            seconds_before = trainer.kernel_seconds
            ran = trainer.steps(want)
            trained += ran
            if trainer.diverged:
                divergences += 1
                if trainer.stopped:  # on_diverge = stop: the weights are the last finite ones
                    stopped_at = trainer.iterations
                    kernel_seconds += trainer.kernel_seconds - seconds_before
                    break
                trainer.clear_divergence()  # on_diverge = reset: new weights, training goes on
                ran = want  # count the chunk as spent, so that a run that keeps diverging still ends
            else:
                kernel_seconds += trainer.kernel_seconds - seconds_before
            done += ran
            bar.update(ran)
    m = trainer.metrics()
    line = (f"{trainer.dataset.name} {'-'.join(map(str, trainer.arch.sizes))}: {m.iterations:,} iterations, "
            f"mean loss {m.train_loss:.5f}, train accuracy {m.train_accuracy:.1%}")
    if m.has_test:
        name, value = trainer.dataset.test_figure(m.test_accuracy)  # xor3: its one new pattern, right or wrong
        shown = f"test accuracy {m.test_accuracy:.1%}" if name == "test accuracy" else f"{name}: {value}"
        line += f", {shown} (test loss {m.test_loss:.4f})"
    print(line + f", {trained / kernel_seconds if kernel_seconds > 0 else 0.0:,.0f} it/s")
    if args.save:
        trainer.save(args.save)
        print(f"saved {args.save}")
    if not divergences:
        return 0
    # The run ended diverged: either it stopped, or (on_diverge = reset) the network above is one
    # that started afresh after the last divergence and did not train the iterations asked for.
    if stopped_at >= 0:
        why = (f"training diverged at learning rate {lr:g} after iteration {stopped_at:,} and stopped there; "
               "lower --lr")
    else:
        times = "once" if divergences == 1 else f"{divergences} times"
        why = (f"training diverged {times} at learning rate {lr:g} and the weights were reset: the network above "
               f"trained only the last {m.iterations:,} of {total:,} iterations; lower --lr")
    print(f"glnn: {why}", file=sys.stderr)
    return 1


# -- glnn bench -------------------------------------------------------------------------------
def cmd_bench(argv: Sequence[str]) -> int:
    p = _Parser(prog="glnn bench", description="Measure SGD iterations/s: the Numba kernel against plain NumPy.")
    p.add_argument("--seconds", type=float, default=2.0, help="time per network for the Numba kernel (default: 2)")
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
    p.add_argument("--iterations", type=_positive_int, default=60_000, help="iterations trained over the video (default: 60000)")
    p.add_argument("--frames", type=_at_least_one, default=300, help="number of frames (default: 300)")
    p.add_argument("--fps", type=_at_least_one, default=30, help="frames per second (default 30)")
    p.add_argument("--size", default="1920x1080", metavar="WxH", help="video size (default 1920x1080)")
    p.add_argument("--schedule", choices=("log", "linear"), default="log",
                   help="log: more frames early, where the network changes fastest (default); linear: evenly")
    p.add_argument("--load", metavar="FILE", help="start from a saved network (.npz)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_setting_flags(p, "train")
    add_setting_flags(p, "view", skip=("speed", "quality"))  # the schedule sets the pace; a video is drawn in full
    return p


def cmd_record(argv: Sequence[str]) -> int:
    args = record_parser().parse_args(argv)
    from glnn import record
    from glnn.state import AppState
    request = record.Recording(args.output, parse_size(args.size), args.iterations, args.frames, args.fps,
                               args.schedule, args.quiet)
    record.check(request)  # a bad request is refused before the network is built
    view = {**settings.defaults("view"), **config(args, "view")}
    if args.ui_scale is None:
        view["ui_scale"] = settings.BY_NAME["ui_scale"].check(record.ui_scale_for(request.size[1]))
    return record.main(request, make_trainer(args), AppState.from_settings(view))


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


def window_request(args: argparse.Namespace, state_changes: dict[str, Any] | None = None):
    """The window's ready objects from its flags: (trainer, state, exhibit, options).
    state_changes: AppState fields to set after the flags (scripts/gallery.py shows views that need a click)."""
    from glnn import exhibit as exhibit_mod
    from glnn.launch import WindowOptions
    from glnn.state import AppState
    size = parse_size(args.size)
    if args.animate_at is not None and (not args.screenshot or not args.animate_at >= 0):
        raise GlnnError("--animate-at: needs --screenshot and 0 or more seconds")
    if args.screenshot and not args.screenshot.lower().endswith(".png"):
        raise GlnnError(f"--screenshot: {args.screenshot!r} should end in .png")
    # the config and the network are checked first, so that an exhibit file can be validated anywhere
    exhibit = exhibit_mod.load(args.config) if args.config else exhibit_mod.defaults()
    # a window draws its first frame before it loads the kernels (glnn.core.lazy_kernels); not a picture,
    # which is drawn by them (the frames a window shows once they are there), nor after --iterations,
    # which trains with them before the window opens
    trainer = make_trainer(args, exhibit.settings, kiosk=args.kiosk,
                           load_kernels=bool(args.screenshot or args.iterations))
    view = {**settings.defaults("view"), **settings.defaults("kiosk"),
            **config(args, "view", exhibit.settings, args.kiosk), **config(args, "kiosk", exhibit.settings, args.kiosk)}
    check_tab(view["tab"], trainer.dataset, view["panel"], "--tab" if args.tab is not None else f"{args.config}: tab")
    state = AppState.from_settings(view, playing=args.play, kiosk=args.kiosk, **(state_changes or {}))
    options = WindowOptions(size=size, fullscreen=args.fullscreen, screenshot=args.screenshot,
                            iterations=args.iterations, scrub=args.scrub, animate_at=args.animate_at)
    return trainer, state, exhibit, options


def check_tab(tab: str, dataset, parts, name: str = "--tab") -> None:
    """Refuse a starting tab the panel will not have (settings.tabs_shown), for this dataset or these
    panel `parts`: it would open Train without a word. `name`: where the tab was chosen, for the message."""
    from glnn.core import data
    has_plane, has_images = dataset.has_plane, dataset.image_shape is not None
    if tab in settings.tabs_shown(parts, has_plane, has_images):
        return
    if tab in ("data", "space") and not has_plane:
        raise GlnnError(f"{name} {tab}: {dataset.name} has no plane of points; the {tab} tab comes with a point set "
                        f"({', '.join(data.POINT_SETS)}) or a CSV file of two inputs")
    if tab == "draw" and not has_images:
        raise GlnnError(f"{name} draw: {dataset.name} has no pictures to draw; the draw tab comes with digits5, "
                        "digits8 or a CSV file read with --image-shape")
    needs = [p for p in settings.PANEL_PARTS if tab in settings.tabs_shown({*parts, p}, has_plane, has_images)]
    raise GlnnError(f"{name} {tab}: the panel's parts ({','.join(parts)}) leave that tab out; add "
                    f"{' or '.join(needs)} to --panel")


def cmd_window(argv: Sequence[str]) -> int:
    args = window_parser().parse_args(argv)
    if args.print_config:
        from glnn import exhibit
        print(exhibit.default_text())
        return 0
    if not args.screenshot:  # a session that trains for a while: compile the faster kernels in the background
        from glnn.core import specialise
        specialise.background = True
    from glnn import launch
    return launch.run(*window_request(args))


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
