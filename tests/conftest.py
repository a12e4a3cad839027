"""Shared fixtures: one headless OpenGL 3.3 context for the whole session, pixel read-back, the
real App on a headless window of its own (make_app), and a temporary working directory per test.

The headless setup (EGL for PyOpenGL, pyglet's headless option) has to happen before
pyglet or PyOpenGL are imported by anything, so it runs here, at import time of the
conftest, which pytest loads before any test module. It imports only pyglet's top
level and OpenGL.platform, which create no context, so tests that need no GL are
unaffected.
"""
from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from the source tree without installing
    sys.path.insert(0, str(REPO))

_HEADLESS_FLAG = "_glnn_tests_headless_done"


def _setup_headless() -> None:
    """Same as glnn.app.prepare_gl(True); done once per process."""
    if getattr(sys, _HEADLESS_FLAG, False):
        return
    if "pyglet.window" in sys.modules or "OpenGL" in sys.modules:
        # too late to choose EGL: fail loudly in the GL fixture rather than silently open X
        setattr(sys, _HEADLESS_FLAG, "late")
        return
    # PyOpenGL (used by ImGui's backend) reads PYOPENGL_PLATFORM once, when OpenGL.platform is
    # first imported: fix the choice now, then put the variable back so that subprocesses
    # (the CLI tests, windows under Xvfb) do not inherit it
    previous = os.environ.get("PYOPENGL_PLATFORM")
    os.environ["PYOPENGL_PLATFORM"] = "egl"
    try:
        import OpenGL.platform  # noqa: F401
    finally:
        if previous is None:
            del os.environ["PYOPENGL_PLATFORM"]
        else:
            os.environ["PYOPENGL_PLATFORM"] = previous
    import pyglet
    pyglet.options["headless"] = True
    pyglet.options["debug_gl"] = False  # as the app: GL errors are checked explicitly by the tests
    setattr(sys, _HEADLESS_FLAG, True)


_setup_headless()


def pytest_collection_modifyitems(config, items):
    """A test that uses the GL fixtures must say so with the `gl` (or `e2e`) marker (pyproject.toml)."""
    unmarked = [item.nodeid for item in items if "gl_window" in getattr(item, "fixturenames", ())
                and not any(item.get_closest_marker(m) for m in ("gl", "e2e"))]
    if unmarked:
        raise pytest.UsageError("these tests use an OpenGL context but are not marked gl: " + ", ".join(unmarked))


@pytest.fixture(scope="session", autouse=True)
def _session_in_a_temporary_directory(tmp_path_factory):
    """Session- and module-scoped fixtures (and the processes they start) run in a temporary directory."""
    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(before)


@pytest.fixture(autouse=True)
def _test_in_a_temporary_directory(tmp_path_factory, monkeypatch):
    """Every test runs in a fresh empty directory of its own, and so does every process it starts
    without a cwd: a relative path (glnn's Save box, --save, a screenshot) never lands in the
    checkout. scripts/test fails if the suite changes `git status` anyway."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


GL_WINDOW_SIZE = (400, 300)


@pytest.fixture(scope="session")
def gl_window():
    """A hidden pyglet window whose OpenGL 3.3 core context is current; made once (EGL is slow)."""
    if getattr(sys, _HEADLESS_FLAG, False) != True:  # noqa: E712 - "late" must fail too
        pytest.fail("pyglet/PyOpenGL were imported before the headless setup in conftest.py")
    import pyglet
    # 8 bits a channel asked for explicitly: without it EGL hands out an RGB565 surface,
    # whose 5/6-bit channels make exact colour probes impossible
    config = pyglet.gl.Config(major_version=3, minor_version=3, forward_compatible=True, double_buffer=True,
                              red_size=8, green_size=8, blue_size=8, alpha_size=8)
    window = pyglet.window.Window(*GL_WINDOW_SIZE, config=config, visible=False)
    window.switch_to()
    yield window
    window.close()


@pytest.fixture()
def gl_context(gl_window):
    """The session window, made current again; any GL error left by an earlier test is drained."""
    from pyglet import gl
    gl_window.switch_to()
    for _ in range(16):
        if gl.glGetError() == gl.GL_NO_ERROR:
            break
    return gl_window


APP_SIZE = (1280, 720)


@pytest.fixture()
def make_app(gl_window):
    """A factory for glnn's real App, each on a hidden headless window of its own:
    make_app(trainer=None, size=APP_SIZE, **state) -> App, driven by Controller(trainer,
    AppState(**state), threaded=False); its window is current on return. Every app and window
    made is closed after the test, and the session window made current again."""
    from glnn.app import App, create_window
    from glnn.controller import Controller
    from glnn.state import AppState
    from glnn.core.trainer import Trainer
    windows, apps = [], []

    def make(trainer=None, size=APP_SIZE, **state):
        window = create_window(size, headless=True)
        windows.append(window)
        window.switch_to()
        app = App(window, Controller(trainer if trainer is not None else Trainer(), AppState(**state),
                                     threaded=False))
        apps.append(app)
        return app

    yield make
    for app in reversed(apps):
        app.close()
    for window in reversed(windows):
        window.close()
    gl_window.switch_to()


def read_pixels(width: int, height: int, x: int = 0, y: int = 0) -> np.ndarray:
    """RGBA uint8 pixels of the bound read framebuffer, as (height, width, 4), row 0 = TOP of the image.

    GL's origin is the bottom left; the rows are flipped so indices match window/layout
    coordinates (origin top left, as glnn.view.layout uses).
    """
    from pyglet import gl
    gl.glFinish()
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
    buf = (ctypes.c_ubyte * (width * height * 4))()
    gl.glReadPixels(x, y, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, buf)
    pixels = np.frombuffer(buf, np.uint8).reshape(height, width, 4)
    return pixels[::-1].copy()


@pytest.fixture()
def pixels():
    """The read_pixels helper, as a fixture for tests that prefer not to import conftest."""
    return read_pixels


@pytest.fixture(scope="module")
def scene(gl_window, request):
    """A NetworkScene of the test module's W x H, released after the module."""
    from glnn.view.scene import NetworkScene
    gl_window.switch_to()
    s = NetworkScene(request.module.W, request.module.H)
    yield s
    gl_window.switch_to()
    s.release()
