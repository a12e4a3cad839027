"""Opens the window (or renders --screenshot) from ready objects: a trainer, the app state and,
in kiosk mode, the exhibit. It never sees the command line: glnn.cli builds what it is given."""
from __future__ import annotations

import dataclasses
import os

import numpy as np

from glnn import commands
from glnn.app import App, create_window, prepare_gl
from glnn.controller import Controller
from glnn.core.errors import GlnnError
from glnn.core.trainer import Trainer
from glnn.exhibit import Exhibit
from glnn.state import AppState

SCREENSHOT_WARMUP_FRAMES = 3  # ImGui sizes auto-fitting windows over the first frames


@dataclasses.dataclass(frozen=True)
class WindowOptions:
    size: tuple[int, int] = (1280, 720)
    fullscreen: bool = False
    screenshot: str | None = None  # render one frame to this PNG instead of opening a window
    iterations: int = 0  # train this many first
    scrub: int | None = None  # show the timeline snapshot at or before this iteration
    animate_at: float | None = None  # with screenshot: the step animation this many seconds in


def have_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def train_with_history(trainer: Trainer, iterations: int, points: int = 64) -> None:
    """Train `iterations` before the window opens, recording the metrics at log-spaced points on the
    way, so that the train/test curves show how the network got there rather than a single dot."""
    done = 0
    for target in np.unique(np.geomspace(1, iterations, points).astype(np.int64)):
        done += trainer.steps(int(target) - done)
        trainer.record_metrics()
        if trainer.stopped:
            break


def run(trainer: Trainer, state: AppState, exhibit: Exhibit, options: WindowOptions) -> int:
    """Run the window until it closes, or render options.screenshot and return."""
    headless = options.screenshot is not None
    if not headless and not have_display():
        raise GlnnError("no display to open a window on ($DISPLAY is not set): run glnn on a desktop or under "
                        "Xvfb (xvfb-run glnn), or make a picture with: glnn --screenshot out.png")
    if options.scrub is not None:  # out of the timeline's reach it would show its last or first snapshot
        reach = trainer.iterations + (options.iterations or 0)
        if options.scrub > reach:
            raise GlnnError(f"--scrub {options.scrub:,}: the network will have trained {reach:,} iterations; the "
                            "timeline looks back over those (train more with --iterations)")
        if options.scrub < trainer.timeline.origin:
            raise GlnnError(f"--scrub {options.scrub:,}: the network was loaded at iteration "
                            f"{trainer.timeline.origin:,}, where its timeline starts")
    if options.iterations:
        train_with_history(trainer, options.iterations)
    kiosk = state.kiosk and not headless
    prepare_gl(headless, training_thread=not headless)
    import pyglet
    screen = None
    if kiosk:
        screens = pyglet.display.get_display().get_screens()
        if state.screen >= len(screens):
            raise GlnnError(f"--screen {state.screen}: there are only {len(screens)} screen(s), numbered from 0")
        screen = screens[state.screen]
    window = create_window(options.size, headless, fullscreen=(options.fullscreen or kiosk) and not headless,
                           screen=screen)
    controller = Controller(trainer, state, threaded=not headless)
    if options.scrub is not None:
        controller.apply(commands.ScrubTo(options.scrub))
    if options.animate_at is not None:  # a picture of the step animation, frozen at that moment
        controller.clock = lambda: 0.0
        controller.apply(commands.Animate("step"))
        controller.clock = lambda: options.animate_at
    governor = None
    if not headless and state.quality == "auto":  # a picture is always drawn in full
        from glnn.view.governor import FrameGovernor
        governor = FrameGovernor()
    app = App(window, controller, exhibit if kiosk else None, governor=governor)
    if headless:
        try:
            for _ in range(SCREENSHOT_WARMUP_FRAMES):
                app.frame()
            app.screenshot(options.screenshot)
        except OSError as e:
            raise GlnnError(f"cannot write {options.screenshot}: {e.strerror}") from None
        finally:
            app.close()
            window.close()
        print(f"wrote {options.screenshot}")
        return 0
    try:
        app.run()
    finally:
        app.close()
    return 0
