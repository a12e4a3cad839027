"""`glnn record`: render a training run offscreen into a video (.mp4 or .gif).

The frames come from the window's own App.frame() on a headless EGL context, so the video
shows exactly what the window would. Between frames the trainer runs up to that frame's
iteration target; `schedule()` spaces the targets (log: more frames early, where the
network changes fastest). The video is written to a temporary file beside the output and
moved into place only when complete, so a failed run never leaves half a video behind.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile

import numpy as np

from glnn.app import App, create_window, prepare_gl
from glnn.controller import Controller
from glnn.core.errors import GlnnError
from glnn.ui import widgets

FORMATS = (".mp4", ".gif")
WARMUP_FRAMES = 2  # ImGui sizes its auto-fitting windows (the image strip) over the first frames
MAX_FPS = 240
MAX_GIF_FPS = 50  # GIF delays are whole centiseconds, and browsers slow anything under 2 cs down to 10 cs
MAX_GIF_BYTES = 1 << 30  # GIF frames are held in memory (one byte a pixel) until the file is written
MP4_QUALITY = 8  # imageio's 0..10 scale; thin glowing lines on black need more than the default 5
VIDEO_EXTRA = "install glnn's video extra: pip install '.[video]' in glnn's source folder"


def schedule(iterations: int, frames: int, kind: str = "log") -> np.ndarray:
    """The iteration count each frame shows: non-decreasing integers from 0 to `iterations`.

    linear: evenly spaced. log: geometrically spaced (np.geomspace from 1 to `iterations`
    after the first frame at iteration 0), so the early phase, where the network changes
    fastest, gets most of the frames. Where the geometric spacing would give several
    frames the same iteration, the targets step by one iteration instead, so no frame
    repeats the one before while there are iterations enough (iterations >= frames - 1).
    One frame shows the end of training.
    """
    iterations, frames = int(iterations), int(frames)
    if frames < 1:
        raise ValueError("frames must be at least 1")
    if iterations < 0:
        raise ValueError("iterations must be 0 or more")
    if kind not in ("log", "linear"):
        raise ValueError(f"unknown schedule {kind!r}")
    if frames == 1:
        return np.array([iterations], np.int64)
    if iterations == 0:
        return np.zeros(frames, np.int64)
    if kind == "linear":
        targets = np.rint(np.linspace(0, iterations, frames)).astype(np.int64)
    else:
        geo = np.rint(np.geomspace(1, iterations, frames - 1)).astype(np.int64)
        targets = np.concatenate(([0], geo))
        if iterations >= frames - 1:
            # t[k] = max(t[k], t[k-1] + 1): one iteration a frame until the geometric curve is steeper
            k = np.arange(frames, dtype=np.int64)
            targets = np.minimum(np.maximum.accumulate(targets - k) + k, iterations)
    targets = np.maximum.accumulate(np.clip(targets, 0, iterations))
    targets[0], targets[-1] = 0, iterations
    return targets


def caption_text(metrics, dataset) -> str:
    """The line over the video: iteration, mean loss (over the training set) and accuracy, every number finite."""
    loss_text = widgets.loss_text(metrics.train_loss, decimals=4)
    text = f"iteration {metrics.iterations:,} · mean loss {loss_text} · accuracy {widgets.finite(metrics.train_accuracy):.0%}"
    if metrics.has_test:
        name, value = dataset.test_figure(metrics.test_accuracy)
        text += f" · {name} {value}" if name == "test accuracy" else f" · {name}: {value}"
    if metrics.diverged:
        text += " · diverged"
    return text


@dataclasses.dataclass(frozen=True)
class Recording:
    """What to record: the file, the run's length and the video's shape."""
    output: str
    size: tuple[int, int] = (1920, 1080)
    iterations: int = 60_000
    frames: int = 300
    fps: int = 30
    schedule: str = "log"
    quiet: bool = False


def ui_scale_for(height: int) -> float:
    """The same composition at any size: text scales with the picture (1 at 720 lines)."""
    return min(4.0, max(0.5, round(height / 720, 2)))


# -- checking the request before any work -----------------------------------------------------
def check(args: Recording) -> str:
    """Refuse a bad request before any work; returns the file's extension."""
    size = args.size
    ext = os.path.splitext(args.output)[1].lower()
    if ext not in FORMATS:
        raise GlnnError(f"{args.output!r}: the video must end in .mp4 or .gif")
    if args.frames < 1:
        raise GlnnError("--frames must be at least 1")
    if not 1 <= args.fps <= MAX_FPS:
        raise GlnnError(f"--fps must be between 1 and {MAX_FPS}, got {args.fps}")
    if ext == ".gif":
        if args.fps > MAX_GIF_FPS:
            raise GlnnError(f"--fps: a .gif plays at most {MAX_GIF_FPS} frames per second (got {args.fps}); "
                            "use .mp4 for more")
        if size[0] * size[1] * args.frames > MAX_GIF_BYTES:
            raise GlnnError(f"a .gif of {args.frames} frames at {size[0]}x{size[1]} would need over "
                            f"{MAX_GIF_BYTES >> 20} MB of memory while writing: use fewer --frames, a smaller "
                            "--size, or .mp4")
    if os.path.isdir(args.output):
        raise GlnnError(f"cannot write {args.output}: it is a directory")
    return ext


def _check_modules(ext: str) -> None:
    try:
        import imageio  # noqa: F401
        if ext == ".gif":
            import PIL  # noqa: F401
        else:
            import imageio_ffmpeg
    except ImportError as e:
        raise GlnnError(f"video export needs {e.name or 'imageio'}: {VIDEO_EXTRA}") from None
    if ext == ".mp4":
        try:
            imageio_ffmpeg.get_ffmpeg_exe()
        except RuntimeError:
            raise GlnnError(f"video export needs an ffmpeg binary (imageio-ffmpeg found none): {VIDEO_EXTRA}") from None


def _temp_path(output: str, ext: str) -> str:
    """An empty file beside `output` (same file system, so os.replace is atomic)."""
    directory = os.path.dirname(os.path.abspath(output))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(output)}.", suffix=ext, dir=directory)
    except OSError as e:
        raise GlnnError(f"cannot write {output}: {e.strerror or e}") from None
    os.close(fd)
    return tmp


def _publish(tmp: str, output: str) -> None:
    """Give the finished file the permissions a normally created one would have, then move it into place."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, output)


# -- writing ----------------------------------------------------------------------------------
class _Writer:
    """Frames in, a video file out: imageio's ffmpeg writer (.mp4) or pillow GIF writer (.gif)."""

    def __init__(self, path: str, ext: str, fps: int):
        import imageio.v2 as iio
        if ext == ".mp4":
            self._w = iio.get_writer(path, format="FFMPEG", mode="I", fps=fps, codec="libx264", quality=MP4_QUALITY,
                                     pixelformat="yuv420p", macro_block_size=1, ffmpeg_log_level="error",
                                     ffmpeg_params=["-movflags", "+faststart"])  # plays while downloading
        else:
            # pillow's writer; `bits` quantises each frame on arrival, so the frames held in memory until
            # the file is written take one byte a pixel. GIF delays are whole centiseconds.
            self._w = iio.get_writer(path, mode="I", duration=10 * max(2, round(100 / fps)), loop=0, bits=8)

    def append(self, rgb: np.ndarray) -> None:
        self._w.append_data(rgb)

    def close(self) -> None:
        self._w.close()


def read_pixels(width: int, height: int) -> np.ndarray:
    """The default framebuffer as an (height, width, 3) uint8 RGB array, top row first."""
    import ctypes

    from pyglet import gl
    gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, 0)
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
    buf = np.empty((height, width, 4), np.uint8)
    gl.glReadPixels(0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, buf.ctypes.data_as(ctypes.c_void_p))
    return np.ascontiguousarray(buf[::-1, :, :3])


def main(args: Recording, trainer, state) -> int:
    """Train `trainer` over the video, rendering `state`'s view of it (panel hidden, training driven from here)."""
    ext = check(args)
    size = args.size
    if ext == ".mp4":  # yuv420p needs even sides
        size = (size[0] - size[0] % 2, size[1] - size[1] % 2)
    _check_modules(ext)
    output = args.output
    tmp = _temp_path(output, ext)
    try:
        shape = _render(args, trainer, state, size, ext, tmp)
        _publish(tmp, output)
    except OSError as e:
        raise GlnnError(f"cannot write {output}: {e.strerror or e}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(f"wrote {output} ({args.frames} frames, {shape[0]}x{shape[1]}, {args.fps} fps)")
    return 0


def _render(args: Recording, trainer, state, size, ext: str, path: str) -> tuple[int, int]:
    targets = schedule(args.iterations, args.frames, args.schedule)
    prepare_gl(True)
    from tqdm import tqdm
    window = create_window(size, headless=True, caption="glnn record")
    app = writer = None
    try:
        state.playing = False
        state.show_panel = False
        controller = Controller(trainer, state, threaded=False)
        app = App(window, controller)
        fb_w, fb_h = window.get_framebuffer_size()
        state.caption = caption_text(trainer.metrics(), trainer.dataset)
        for _ in range(WARMUP_FRAMES):
            app.frame()
        writer = _Writer(path, ext, args.fps)
        trained = 0  # iterations trained in this run (a --load run starts at the file's count)
        with tqdm(total=len(targets), unit="frame", disable=args.quiet, file=sys.stderr, dynamic_ncols=True,
                  leave=False) as bar:
            for target in targets:
                if target > trained and not trainer.stopped:
                    trained += trainer.steps(int(target) - trained)
                state.caption = caption_text(trainer.metrics(), trainer.dataset)
                app.frame()
                writer.append(read_pixels(fb_w, fb_h))
                bar.update(1)
        writer.close()
        writer = None
    finally:
        if writer is not None:
            try:
                writer.close()
            except Exception:  # the error that got us here matters more
                pass
        if app is not None:
            app.close()
        window.close()
    return fb_w, fb_h
