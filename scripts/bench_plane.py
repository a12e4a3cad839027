#!/usr/bin/env python3
"""Per-frame Python cost of the input-plane view (decision map + neuron tiles), headless.

Trains at speed "max" on the worker thread, as the window does, and reports the main
thread's CPU time per frame in PlaneView.update (grid evaluation when due, texture
upload), PlaneView.draw and the ImGui labels, averaged over all frames (evaluations
amortised); how often the grid was evaluated and what one evaluation costs; and the
per-frame total it would come to in a 60 Hz window (headless software GL runs far
slower, so nearly every frame is due for an evaluation here). Datasets without two
inputs show that the view costs nothing there.

Usage: scripts/bench_plane.py [--frames N] [--size WxH]
"""
import argparse
import statistics
import sys
import time

from glnn import app as app_mod

CASES_ALL = (
    ("2-8-8-1 xor", {"dataset": "xor", "hidden": (8, 8)}),
    ("2-16-1 spiral", {"dataset": "spiral", "hidden": (16,)}),
    ("2-64-64-1 circle", {"dataset": "circle", "hidden": (64, 64)}),
    ("2-256-256-1 gauss", {"dataset": "gauss", "hidden": (256, 256)}),
    ("25-16-10 digits5", {"dataset": "digits5", "hidden": (16,)}),
    ("64-256-256-10 digits8", {"dataset": "digits8", "hidden": (256, 256)}),
)

CASES = CASES_ALL


class Timer:
    """Wraps obj.name, adding up the CPU time of this thread spent in it (the machine may be shared:
    wall time would count the time other processes had the CPU)."""

    def __init__(self, obj, name):
        self.obj, self.name, self.original = obj, name, getattr(obj, name)
        self.calls: list[float] = []

        def timed(*args, **kw):
            t0 = time.thread_time()
            try:
                return self.original(*args, **kw)
            finally:
                self.calls.append(time.thread_time() - t0)
        setattr(obj, name, timed)

    def restore(self):
        setattr(self.obj, self.name, self.original)


def render(window, settings, frames):
    from glnn.controller import Controller
    from glnn.core.trainer import Trainer
    from glnn.state import AppState
    from glnn.ui import plane_overlay
    trainer = Trainer(settings)
    controller = Controller(trainer, AppState(playing=True, speed=0), threaded=True)
    app = app_mod.App(window, controller)
    timers = {}
    try:
        for _ in range(5):  # warm-up: compilation cache, ImGui layout, GL buffers
            app.frame()
        timers = {"update": Timer(app.plane, "update"), "draw": Timer(app.plane, "draw"),
                  "labels": Timer(plane_overlay, "labels"), "evaluate": Timer(app.plane.field, "evaluate")
                  if app.plane.field else None}
        start_iter, t0 = controller.trainer.iterations, time.perf_counter()
        for _ in range(frames):
            app.frame()
            window.flip()
        wall = time.perf_counter() - t0
        field = app.plane.field if app.plane.active else None
        per_frame = {k: sum(t.calls) / frames for k, t in timers.items() if t}
        evaluations = len(timers["evaluate"].calls) if timers["evaluate"] else 0
        eval_cost = statistics.median(timers["evaluate"].calls) if evaluations else 0.0
        return dict(per_frame=per_frame, fps=frames / wall, evaluations=evaluations / wall, eval_cost=eval_cost,
                    resolution=field.resolution if field else 0, interval=field.interval() if field else 0.0,
                    rate=(controller.trainer.iterations - start_iter) / wall)
    finally:
        for t in timers.values():
            if t:
                t.restore()
        app.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frames", type=int, default=150)
    p.add_argument("--size", default="1280x720")
    p.add_argument("--only", help="run only the networks whose label contains this")
    args = p.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    app_mod.prepare_gl(True)
    window = app_mod.create_window((w, h), headless=True)
    print(f"{args.frames} frames at {w}x{h}, training at speed max on the worker thread, software GL;")
    print("CPU ms of the main thread per frame: update = grid evaluation (when due) + texture upload, amortised;")
    print("draw = two instanced draws (on llvmpipe this includes the driver's vertex work); labels = ImGui text")
    print(f"{'network':<22} {'update':>7} {'draw':>6} {'labels':>7} {'total':>6} {'fps':>5} {'evals/s':>8} "
          f"{'eval ms':>8} {'grid':>5} {'at 60 fps':>10} {'it/s':>11}")
    for label, settings in CASES:
        if args.only and args.only not in label:
            continue
        r = render(window, settings, args.frames)
        f = {k: v * 1e3 for k, v in r["per_frame"].items()}
        total = f.get("update", 0) + f.get("draw", 0) + f.get("labels", 0)
        # what the update would cost per frame in a 60 Hz window, where at most REFRESH_HZ frames evaluate
        if r["evaluations"]:
            per_eval = f["update"] * r["fps"] / r["evaluations"]
            at60 = f"{total - f['update'] + per_eval * min(60.0, 1.0 / r['interval']) / 60:.3f}"
        else:
            at60 = f"{total:.3f}"
        grid = f"{r['resolution']}²" if r["resolution"] else "-"
        print(f"{label:<22} {f.get('update', 0):>7.3f} {f.get('draw', 0):>6.3f} {f.get('labels', 0):>7.3f} "
              f"{total:>6.3f} {r['fps']:>5.1f} {r['evaluations']:>8.1f} {r['eval_cost'] * 1e3:>8.3f} {grid:>5} "
              f"{at60:>10} {r['rate']:>11,.0f}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
