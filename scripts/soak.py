#!/usr/bin/env python3
"""Soak test: the kiosk's attract loop at full speed for M minutes, headless.

Runs the real App (scene, bloom, ImGui panel) with the attract director on a fast clock
(every frame advances the script by --step seconds, so a 2-minute soak plays the demo
dozens of times), and compares the first minute with the last (after one full warm-up
loop; halves of the run when it is shorter than two minutes): the median of our own
Python's CPU time per frame (the main thread's, outside the kernel and GL), the median frame
time, resident memory, and live GL objects (buffers, textures, framebuffers, vertex arrays,
programs). Each side is made of whole attract loops, because the frame's cost depends on
what is on screen. Prints both and exits 1 if anything grew beyond its tolerance.

Usage: scripts/soak.py --minutes M [--step 0.5] [--size 1280x720]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

from glnn import app as app_mod

RSS_TOLERANCE_MB = 5.0  # allocator noise; a leak per frame (30,000 frames in ten minutes) grows far beyond
OURS_TOLERANCE = 1.10  # the last minute's median own-Python CPU time per frame, at most this times the first's
FRAME_TOLERANCE = 1.6  # the same for the whole frame (+2 ms): the software rasteriser's time is noisier
WINDOW_SECONDS = 60.0  # "the first minute" and "the last minute"


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

    def one_loop() -> tuple[list[float], list[float]]:
        """Play one whole attract loop; each frame's time and own-Python CPU time."""
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
            ours.append(app.timings["ours_cpu"])
        return times, ours

    # warm-up: one whole demo loop, so every dataset, layout and GL resource has been made once
    clock = director.attract.idle_timeout + 0.01
    director.update(clock)
    one_loop()
    start_rss, start_gl = rss_mb(), gl_objects()
    began = time.perf_counter()
    duration = args.minutes * 60
    window_seconds = min(WINDOW_SECONDS, duration / 2)
    loops = []  # (seconds since the start when the loop began, frame times, own-Python times)
    while not loops or time.perf_counter() - began < duration:
        loops.append((time.perf_counter() - began, *one_loop()))
    total = time.perf_counter() - began
    first = [loop for loop in loops if loop[0] < window_seconds] or loops[:1]
    last = [loop for loop in loops if loop[0] >= total - window_seconds and loop not in first] or loops[-1:]

    def medians(part):
        return (statistics.median(t for loop in part for t in loop[1]),
                statistics.median(t for loop in part for t in loop[2]))

    start = {"rss": start_rss, "gl": start_gl}
    start["frame"], start["ours"] = medians(first)
    end = {"rss": rss_mb(), "gl": gl_objects()}
    end["frame"], end["ours"] = medians(last)
    frames = sum(len(loop[1]) for loop in loops)
    app.close()
    window.close()

    print(f"soak: {args.minutes:g} min, {frames:,} frames, {len(loops)} attract loops, "
          f"{controller.trainer.iterations:,} iterations on the last trainer")
    print(f"first: {len(first)} loops from 0 s; last: {len(last)} loops from {last[0][0]:.0f} s of {total:.0f} s")
    print(f"{'':14} {'first':>10} {'last':>10}")
    print(f"{'RSS MB':14} {start['rss']:>10.1f} {end['rss']:>10.1f}")
    print(f"{'frame ms':14} {start['frame'] * 1e3:>10.1f} {end['frame'] * 1e3:>10.1f}")
    print(f"{'own Python ms':14} {start['ours'] * 1e3:>10.3f} {end['ours'] * 1e3:>10.3f}   (CPU)")
    for kind in start["gl"]:
        print(f"{'GL ' + kind:14} {start['gl'][kind]:>10} {end['gl'][kind]:>10}")
    problems = []
    if end["rss"] - start["rss"] > RSS_TOLERANCE_MB:
        problems.append(f"memory grew by {end['rss'] - start['rss']:.1f} MB")
    if end["ours"] > start["ours"] * OURS_TOLERANCE:
        problems.append(f"our own Python per frame grew from {start['ours'] * 1e3:.3f} to {end['ours'] * 1e3:.3f} ms")
    if end["frame"] > start["frame"] * FRAME_TOLERANCE + 0.002:
        problems.append(f"frame time grew from {start['frame'] * 1e3:.1f} to {end['frame'] * 1e3:.1f} ms")
    for kind in start["gl"]:
        if end["gl"][kind] > start["gl"][kind]:
            problems.append(f"GL {kind} grew from {start['gl'][kind]} to {end['gl'][kind]}")
    if len(loops) < 2:
        problems.append("the attract loop did not complete twice during the soak")
    print("FAIL: " + "; ".join(problems) if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    # a directory of its own, as the fuzzer's: nothing the app might write lands in the caller's directory
    with tempfile.TemporaryDirectory(prefix="glnn-soak-") as workdir:
        os.chdir(workdir)
        status = main()
    sys.exit(status)
