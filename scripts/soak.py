#!/usr/bin/env python3
"""Soak test: the kiosk's attract loop at full speed for M minutes, headless.

Runs the real App (scene, bloom, ImGui panel) with the attract director on a fast clock
(every frame advances the script by --step seconds, so a 2-minute soak plays the demo
dozens of times), and compares the start (after one full warm-up loop) with the end:
resident memory, median frame time, and live GL objects (buffers, textures, framebuffers,
vertex arrays, programs). Prints both and exits 1 if anything grew beyond its tolerance.

Usage: scripts/soak.py --minutes M [--step 0.5] [--size 1280x720]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

from glnn import app as app_mod

RSS_TOLERANCE_MB = 40.0  # allocator noise and caches that settle; a leak per frame grows far beyond
FRAME_TOLERANCE = 1.6  # end median frame time may be at most this times the start's (+2 ms)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def gl_objects(limit: int = 4096) -> dict[str, int]:
    """Live GL object names of each kind, found by asking GL about every name up to `limit`."""
    from pyglet import gl
    checks = {"buffers": gl.glIsBuffer, "textures": gl.glIsTexture, "framebuffers": gl.glIsFramebuffer,
              "vertex arrays": gl.glIsVertexArray, "programs": gl.glIsProgram}
    return {kind: sum(1 for name in range(1, limit) if check(name)) for kind, check in checks.items()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=2.0)
    p.add_argument("--step", type=float, default=0.5, help="script seconds per frame (full speed)")
    p.add_argument("--size", default="1280x720")
    args = p.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    app_mod.prepare_gl(True)
    window = app_mod.create_window((w, h), headless=True)
    from glnn import exhibit
    from glnn.controller import Controller
    from glnn.core.trainer import Trainer
    from glnn.kiosk import Director
    from glnn.state import AppState

    controller = Controller(Trainer(), AppState(kiosk=True, idle_timeout=5.0), threaded=False)
    app = app_mod.App(window, controller)
    script = exhibit.defaults()
    clock = 0.0
    director = Director(controller, script, clock)
    loop_seconds = sum(step.seconds for step in script.script)

    def one_loop() -> tuple[float, float]:
        """Play one whole attract loop; median frame time and median own-Python time over it.

        Whole loops are compared because the frame cost depends on what is on screen (a
        trained network's thick lines cost the software rasteriser more than a new one's).
        """
        nonlocal clock
        times, ours = [], []
        end = clock + loop_seconds
        while clock < end:
            clock += args.step
            director.update(clock)
            t0 = time.perf_counter()
            app.frame()
            window.flip()
            times.append(time.perf_counter() - t0)
            t = app.timings
            ours.append(t["prepare"] + t["ui"] + t["commands"])
        return statistics.median(times), statistics.median(ours)

    # warm-up: one whole demo loop, so every dataset, layout and GL resource has been made once
    clock = director.attract.idle_timeout + 0.01
    director.update(clock)
    one_loop()
    frame_ms, ours_ms = one_loop()
    start = {"rss": rss_mb(), "frame": frame_ms, "ours": ours_ms, "gl": gl_objects()}
    deadline = time.perf_counter() + args.minutes * 60
    loops = 0
    while time.perf_counter() < deadline:
        frame_ms, ours_ms = one_loop()
        loops += 1
    end = {"rss": rss_mb(), "frame": frame_ms, "ours": ours_ms, "gl": gl_objects()}
    frames = int(round(loops * loop_seconds / args.step))
    app.close()
    window.close()

    print(f"soak: {args.minutes:g} min, {frames:,} frames, {loops:.0f} attract loops, "
          f"{controller.trainer.iterations:,} iterations on the last trainer")
    print(f"{'':14} {'start':>10} {'end':>10}")
    print(f"{'RSS MB':14} {start['rss']:>10.1f} {end['rss']:>10.1f}")
    print(f"{'frame ms':14} {start['frame'] * 1e3:>10.1f} {end['frame'] * 1e3:>10.1f}")
    print(f"{'own Python ms':14} {start['ours'] * 1e3:>10.2f} {end['ours'] * 1e3:>10.2f}")
    for kind in start["gl"]:
        print(f"{'GL ' + kind:14} {start['gl'][kind]:>10} {end['gl'][kind]:>10}")
    problems = []
    if end["rss"] - start["rss"] > RSS_TOLERANCE_MB:
        problems.append(f"memory grew by {end['rss'] - start['rss']:.1f} MB")
    if end["frame"] > start["frame"] * FRAME_TOLERANCE + 0.002:
        problems.append(f"frame time grew from {start['frame'] * 1e3:.1f} to {end['frame'] * 1e3:.1f} ms")
    for kind in start["gl"]:
        if end["gl"][kind] > start["gl"][kind]:
            problems.append(f"GL {kind} grew from {start['gl'][kind]} to {end['gl'][kind]}")
    if loops < 1:
        problems.append("the attract loop did not complete once during the soak")
    print("FAIL: " + "; ".join(problems) if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    # a directory of its own, as the fuzzer's: nothing the app might write lands in the caller's directory
    with tempfile.TemporaryDirectory(prefix="glnn-soak-") as workdir:
        os.chdir(workdir)
        status = main()
    sys.exit(status)
