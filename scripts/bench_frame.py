#!/usr/bin/env python3
"""Frame cost of the live window, rendered headless (EGL, software GL here).

For each network it reports, per frame: our own Python outside the training kernel and
outside GL calls (building the frame snapshot, layout/picking, the ImGui panel, applying
commands) as the main thread's CPU time ("ours") and as wall time ("wall", which adds the
waits for the training thread's lock and for the GIL); time in GL calls (uploads, draws,
ImGui's renderer; on llvmpipe this includes software rasterising); glnn's own draw calls and
ImGui's; and training iterations/s achieved while rendering at speed "max" against the kernel
alone, for both ways of training: the worker thread and the per-frame budget. The kernel
alone and the window with its worker are measured in turn, --rounds times (this host's speed
drifts by tens of per cent from one second to the next), and the medians are compared.
GL is prepared as the window prepares it (glnn.app.prepare_gl with a training thread: on
llvmpipe the rasteriser leaves the training thread a core).

Usage: scripts/bench_frame.py [--frames N] [--rounds R] [--size WxH]
"""
import argparse
import statistics
import sys
import time

from glnn import app as app_mod

CASES = (
    ("25-16-10", {"dataset": "digits5", "hidden": (16,)}),
    ("25-64-10", {"dataset": "digits5", "hidden": (64,)}),
    ("64-256-256-10", {"dataset": "digits8", "hidden": (256, 256)}),
)


def kernel_alone(trainer, seconds):
    trainer.steps(1000)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        done += trainer.steps(20_000)
    return done / (time.perf_counter() - t0)


def render(window, settings, frames, threaded, speed, state: dict | None = None):
    from glnn.controller import Controller
    from glnn.core.trainer import Trainer
    from glnn.state import AppState
    trainer = Trainer(settings)
    controller = Controller(trainer, AppState(**{"playing": True, "speed": speed, **(state or {})}), threaded=threaded)
    app = app_mod.App(window, controller)
    try:
        for _ in range(5):  # warm-up: compilation cache, ImGui layout, GL buffers
            app.frame()
        rows = []
        start_iter, t0 = trainer.iterations, time.perf_counter()
        for _ in range(frames):
            app.frame()
            window.flip()
            t = app.timings
            rows.append((t["ours_cpu"], t["scene_gl"] + t["ui_gl"], t["total"], t["prepare"] + t["ui"] + t["commands"]))
        wall = time.perf_counter() - t0
        rate = (trainer.iterations - start_iter) / wall
        return rows, rate, app.draw_calls, app.imgui_draw_calls, wall / frames
    finally:
        app.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frames", type=int, default=120)
    p.add_argument("--rounds", type=int, default=3, help="kernel alone / window pairs per network (default 3)")
    p.add_argument("--size", default="1280x720")
    args = p.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    app_mod.prepare_gl(True, training_thread=True)
    window = app_mod.create_window((w, h), headless=True)
    from glnn.core.trainer import Trainer
    print(f"{args.frames} frames at {w}x{h} x {args.rounds} rounds, software GL (llvmpipe): GL times are the CPU "
          "rasteriser's; it/s are medians over the rounds")
    print(f"{'network':<14} {'ours ms':>8} {'wall ms':>8} {'GL ms':>7} {'frame ms':>9} {'draws':>6} {'imgui':>6} "
          f"{'kernel it/s':>12} {'worker it/s':>12} {'ratio':>6} {'budget it/s':>12} {'ratio':>6}")
    for label, settings in CASES:
        alone_rates, worker_rates, rows = [], [], []
        for _ in range(args.rounds):
            alone_rates.append(kernel_alone(Trainer(settings), 1.5))
            round_rows, rate, draws, imgui_draws, _ = render(window, settings, args.frames, True, 0)
            worker_rates.append(rate)
            rows += round_rows
        alone, worker_rate = statistics.median(alone_rates), statistics.median(worker_rates)
        _, budget_rate, _, _, _ = render(window, settings, max(30, args.frames // 2), False, 0)
        ours = statistics.median(r[0] for r in rows) * 1e3
        wall = statistics.median(r[3] for r in rows) * 1e3
        gl_ms = statistics.median(r[1] for r in rows) * 1e3
        total = statistics.median(r[2] for r in rows) * 1e3
        print(f"{label:<14} {ours:>8.2f} {wall:>8.2f} {gl_ms:>7.1f} {total:>9.1f} {draws:>6} {imgui_draws:>6} "
              f"{alone:>12,.0f} {worker_rate:>12,.0f} {worker_rate / alone:>6.0%} {budget_rate:>12,.0f} "
              f"{budget_rate / alone:>6.0%}")
    views(window, args.frames)
    window.close()
    return 0


# The "seeing learning" views, each against the plain window of the same network in the same run.
PLAIN = {"panel": ("controls", "sliders", "figures", "plot", "outputs", "draw", "settings", "help")}
DIGITS = {"dataset": "digits5", "hidden": (16,)}
SPIRAL = {"dataset": "spiral", "hidden": (8, 8), "activation": "tanh", "lr": 0.1}
VIEWS = (
    ("timeline bar", DIGITS, {}),
    ("receptive fields", DIGITS, {"receptive_fields": True}),
    ("Results tab", DIGITS, {"tab": "results"}),
    ("decision map", SPIRAL, {}),
    ("Data tab", SPIRAL, {"tab": "data"}),
    ("Space tab", SPIRAL, {"tab": "space"}),
    ("all of them", DIGITS, {"tab": "results", "receptive_fields": True}),
)


def views(window, frames):
    print()
    print("views: our own Python, CPU ms per frame (median), plain window vs with the view, 25-16-10 or 2-8-8-1 spiral")
    print(f"{'view':<18} {'plain ms':>9} {'view ms':>8} {'costs ms':>9}")
    plain_cache = {}
    for label, settings, state in VIEWS:
        key = settings["dataset"]
        if key not in plain_cache:
            plain_state = dict(PLAIN)
            rows, *_ = render(window, settings, frames, True, 0, plain_state)
            plain_cache[key] = statistics.median(r[0] for r in rows) * 1e3
        rows, *_ = render(window, settings, frames, True, 0, state)
        with_view = statistics.median(r[0] for r in rows) * 1e3
        print(f"{label:<18} {plain_cache[key]:>9.2f} {with_view:>8.2f} {with_view - plain_cache[key]:>+9.2f}")


if __name__ == "__main__":
    sys.exit(main())
