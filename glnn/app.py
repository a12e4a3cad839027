"""The window and its frame loop: read state, train, upload, draw the scene, draw the UI.

Also the headless path (`--screenshot`): the same App renders into an offscreen EGL
context, so a screenshot shows exactly what the window would.
"""
from __future__ import annotations

import os
import sys
import time

from glnn import commands
from glnn.core import lazy_kernels
from glnn.core.errors import GlnnError
from glnn.view.governor import FRAME_INTERVAL

PLANE_LEFT = 6.0  # the input-plane pictures start this far right of the panel
# Lines kept for captions below the network. A kiosk shows them all the time (the attract demo's,
# the hint), in two lines of large text; elsewhere one line while a caption can show (a video's,
# a picture's, the step animation's), so the scene does not jump as captions come and go.
KIOSK_CAPTION_LINES = 2


def prepare_gl(headless: bool, training_thread: bool = False) -> None:
    """Choose EGL (no display) or the desktop's GL before pyglet or PyOpenGL load.

    training_thread: the window trains on a thread of its own at speed max. Without a GPU, Mesa's
    software rasteriser (llvmpipe) starts a thread per core and, with the training thread, asks for
    more cores than there are: training then keeps about two thirds of its speed. Giving the
    rasteriser one thread fewer leaves training a core, as a GPU would (measured on 2 cores with
    scripts/bench_frame.py: 66 % -> 93 % of the kernel alone at 25-16-10, for frames 20 % slower).
    A GPU's driver ignores the variable; one set by the user is kept.
    """
    if training_thread and "LP_NUM_THREADS" not in os.environ:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        os.environ["LP_NUM_THREADS"] = str(max(1, cores - 1))
    if headless:
        os.environ["PYOPENGL_PLATFORM"] = "egl"
    import pyglet
    pyglet.options["headless"] = headless
    pyglet.options["debug_gl"] = False  # glGetError after every call would cost more than our whole frame


class App:
    def __init__(self, window, controller, exhibit=None, clock=time.monotonic, governor=None):
        """exhibit: kiosk mode (attract demo, hidden cursor). clock: seconds for the kiosk's timers
        (a script can bring its own to show a moment of the demo). `governor` (a
        glnn.view.governor.FrameGovernor, for the interactive window) lowers the scene's quality when
        frames get slow; without one (screenshots, tests) the scene is always drawn in full."""
        import pyglet
        from imgui_bundle import imgui, implot
        from imgui_bundle.python_backends import pyglet_backend

        from glnn.ui import theme
        from glnn.ui.panel import Panel
        from glnn.ui.receptive import ReceptiveFields
        from glnn.view.plane_view import PlaneView
        from glnn.view.scene import NetworkScene

        self.window = window
        self.clock = clock
        self.controller = controller
        self.state = controller.state
        self.panel = Panel()
        self.screen = None  # where everything goes (glnn.view.screen.Screen)
        self.layout = None  # the network's part of it
        self._screen_key = None
        # the last screen.Content, and what it was made from
        self._content_key = self._content_dataset = self._content = None
        self.mouse = (-1.0, -1.0)
        self.hover_neuron = -1
        self.hover_link = -1
        self.focus_neuron = -1
        self._pending_press: tuple[float, float, int] | None = None  # x, y, modifier keys
        self.timings: dict[str, float] = {}
        self._last_frame = 0.0
        self.draw_calls = 0
        self.instances = 0  # instances drawn by glnn's own passes (connections, neurons, bands) last frame
        self.imgui_draw_calls = 0
        self.governor = governor
        self._frame_start: float | None = None
        self._scene_drawn = True  # whether the last frame redrew the scene (the governor judges only those)
        self.input_clock = InputClock()
        # GLNN_CHECK_FINITE=1 (set by scripts/fuzz_ui.py): say on stderr if a shown number is not finite
        self._check_finite = os.environ.get("GLNN_CHECK_FINITE") == "1"
        self._reported: set[str] = set()
        window.push_handlers(self)  # ours first: the ImGui backend's handlers go on top and see events first
        # Our own ImGui and ImPlot contexts, made current by hand: create_context leaves whichever
        # context was current before it current (another App's, or a TextMeasure's), and ImGui calls
        # made on that one (the renderer's font texture among them) fail later, far from the cause.
        self.imgui_context = imgui.create_context()
        self.implot_context = implot.create_context()
        self._make_current()
        self.renderer = pyglet_backend.create_renderer(window)
        from glnn.ui.taps import TapSequencer
        self.taps = TapSequencer(window)
        window.push_handlers(self.taps)  # on top of ImGui's: sees button events first
        from glnn.view import screen
        if self.state.ui_scale == screen.AUTO_SCALE:  # follow the screen: its height is known now
            self.state.ui_scale = round(screen.auto_scale(window.height), 2)
        theme.apply(self.state.ui_scale)
        self._ui_scale = self.state.ui_scale
        self.measure = theme.TextMeasure()  # the layout measures text with the font ImGui draws it in
        fb_w, fb_h = window.get_framebuffer_size()
        self.scene = NetworkScene(fb_w, fb_h)
        self.scene.detail.background = controller.worker  # periodic refreshes off the frame path (None: inline)
        self.plane = PlaneView()  # 2-D datasets: the decision map and a picture per neuron
        self.receptive = ReceptiveFields()  # pictures of what each hidden neuron looks for
        from glnn.ui.tiles import LedStrip
        self.strip_images = LedStrip()  # the training images along the bottom
        self._pyglet = pyglet
        self.closed = False
        self.director = None
        self.cursor = None
        self._kiosk_input = None
        if exhibit is not None:  # kiosk mode
            from glnn.kiosk import CursorHider, Director
            now = clock()
            self.director = Director(controller, exhibit, now)
            self.cursor = CursorHider(self.state.cursor_hide, now)
            self._cursor_visible = True
            self._kiosk_input = KioskInput(self.director, self.cursor, self.state.quit_chord, clock)
            window.push_handlers(self._kiosk_input)  # on top of those: sees every event first
        window.push_handlers(self.input_clock)  # on top of all (it notes every input and takes none)

    # -- events (only when ImGui does not want them) -------------------------------------
    def on_mouse_motion(self, x, y, dx, dy):
        self.mouse = (float(x), float(self.window.height - y))

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        self.mouse = (float(x), float(self.window.height - y))

    def on_mouse_leave(self, x, y):
        self.mouse = (-1.0, -1.0)

    def on_mouse_press(self, x, y, button, modifiers):
        # Handled in the next frame, once ImGui has seen where the pointer is now: a tap on a touch
        # screen moves the pointer and presses within one frame, so both ImGui's capture flag and
        # the hover picked last frame may belong to where the pointer was before.
        self._pending_press = (float(x), float(self.window.height - y), int(modifiers))

    def _scene_press(self, x: float, y: float, modifiers: int = 0) -> None:
        """A press on the scene (not on ImGui): on the decision map add a training point there (of the
        class chosen in the panel; with Shift the other) or feed that point through the network, as
        the panel says; on a hidden neuron while the Space tab is open, pick it for that view's axes;
        elsewhere focus a neuron."""
        from pyglet.window import key

        from glnn.core import layer_space
        from glnn.ui import space_tab
        from glnn.view import picking
        point = self.plane.point_at(x, y)
        if point is not None:
            if self.state.click_adds:
                label = self.state.point_class ^ (1 if modifiers & key.MOD_SHIFT else 0)
                self.controller.apply(commands.AddExample(point, label))
            else:  # feed that point through the network
                self.controller.apply(commands.ShowPoint(point))
            return
        tapped = picking.pick_neuron(self.layout, x, y)
        if tapped >= 0 and space_tab.is_open(self.state, self.controller.trainer.dataset) and (
                layer_space.hidden_layer_of(self.layout.sizes, tapped) > 0):
            self.controller.apply(commands.PickNeuron(tapped))  # the Space tab: an axis of its view
            return
        self.focus_neuron = -1 if tapped < 0 or tapped == self.focus_neuron else tapped

    def on_key_press(self, symbol, modifiers):
        from imgui_bundle import imgui
        from pyglet.window import key
        if self.state.kiosk:
            if _is_chord(self.state.quit_chord, symbol, modifiers):
                self.window.close()
                return True
            if symbol in (key.ESCAPE, key.F):  # a kiosk stays full screen and open
                return True
        if imgui.get_io().want_text_input:  # a text field has the keyboard: every key is its (Esc leaves it)
            return True if symbol == key.ESCAPE else None  # True: not pyglet's default Esc, which closes
        if symbol == key.ESCAPE:
            if self.window.fullscreen:
                self.window.set_fullscreen(False)
            else:
                self.window.close()
            return True  # stop pyglet's default handler
        command = {key.SPACE: commands.TogglePlay(), key.S: commands.Step(), key.R: commands.Reset(),
                   key.LEFT: commands.ScrubBy(-1), key.RIGHT: commands.ScrubBy(1)}.get(symbol)
        if symbol == key.Z and modifiers & (key.MOD_CTRL | key.MOD_COMMAND):
            command = commands.UndoExample()
        if command is not None:
            self.controller.apply(command)
            return True
        if symbol == key.F:
            self.window.set_fullscreen(not self.window.fullscreen)
            return True
        if symbol == key.H:
            self.state.show_panel = not self.state.show_panel
            return True
        return None

    def on_draw(self):
        self.frame()

    # -- the frame loop ----------------------------------------------------------------------
    def run(self) -> None:
        """Draw frames until the window closes: 60 a second at most, fewer while the frame-time governor
        asks for fewer (glnn.view.governor.FrameGovernor.frame_interval), and one at once when input
        comes after a pause (the frame that answers it)."""
        self._next_draw = 0.0
        self._schedule(0.0)
        self.input_clock.on_input = self._input_came
        self._pyglet.app.run(None)  # frames are scheduled here, not by pyglet's fixed interval

    def _schedule(self, delay: float) -> None:
        """The next frame `delay` seconds from now. (pyglet counts a delay from its clock's last tick, which
        may be well before now: the tick is brought to now first.)"""
        clock = self._pyglet.clock.get_default()
        clock.unschedule(self._draw_window)
        clock.update_time()
        clock.schedule_once(self._draw_window, delay)
        self._next_draw = time.perf_counter() + delay

    def _draw_window(self, dt: float) -> None:
        """One frame on screen; the governor learns what it cost (to the end of the flip), and the next
        is scheduled."""
        if self.closed:
            return
        start = time.perf_counter()
        self._frame_start = start
        self.window.draw(dt)
        if self.governor is not None:
            self.scene.quality = self.governor.frame(time.perf_counter() - start, start, self._scene_drawn)
        self._schedule(max(0.0, start + self._interval(start) - time.perf_counter()))

    def _interval(self, now: float) -> float:
        """Seconds from a frame's start to the next one's (the governor's pace, or 60 frames a second)."""
        return FRAME_INTERVAL if self.governor is None else self.governor.frame_interval(now, self.input_clock.last)

    def _input_came(self) -> None:
        """Input: the next frame as soon as the governor allows while answering it, not at the idle pace."""
        if self.closed:
            return
        soonest = (self._frame_start or 0.0) + self._interval(time.perf_counter())
        if self._next_draw > soonest + 0.001:
            self._schedule(max(0.0, soonest - time.perf_counter()))

    def on_close(self):
        self.close()

    # -- the frame -------------------------------------------------------------------------
    def frame(self) -> None:
        """One frame: train, lay out, pick what is hovered, draw the scene, draw the UI, act on its commands."""
        t0 = time.perf_counter()
        self._make_current()
        self.tick()
        t1, c1 = time.perf_counter(), time.thread_time()
        frame = self.controller.frame()
        if self._check_finite:
            self._report_non_finite(frame)
        panel_w = self._lay_out(frame)
        style = self._hover(frame)
        t2, c2 = time.perf_counter(), time.thread_time()
        self._scene_drawn = self.governor is None or self.governor.scene_due(t0, self.input_clock.last)
        self._draw_scene(frame, style, self._scene_drawn)
        t3, c3 = time.perf_counter(), time.thread_time()
        given = self._draw_ui(frame, panel_w)
        t4, c4 = time.perf_counter(), time.thread_time()
        self._render_ui()
        t5, c5 = time.perf_counter(), time.thread_time()
        for command in given:
            self.controller.apply(command)
        t6, c6 = time.perf_counter(), time.thread_time()
        # wall seconds per part; "ours_cpu": this thread's CPU seconds in our own Python (prepare, ui,
        # commands), which leaves out the waits for the training thread's lock and for the GIL
        self.timings = {"train": t1 - t0, "prepare": t2 - t1, "scene_gl": t3 - t2, "ui": t4 - t3,
                        "ui_gl": t5 - t4, "commands": t6 - t5, "total": t6 - t0,
                        "ours_cpu": (c2 - c1) + (c4 - c3) + (c6 - c5)}
        if not lazy_kernels.loaded():  # a frame is on screen: now load the kernels (glnn.core.lazy_kernels)
            lazy_kernels.load_in_background()
            failed = lazy_kernels.error()
            if failed is not None:
                raise GlnnError(f"the training kernels could not be loaded ({type(failed).__name__}: {failed})")

    def _make_current(self) -> None:
        """This App's ImGui and ImPlot contexts, current (several Apps can live in one process)."""
        from imgui_bundle import imgui, implot
        imgui.set_current_context(self.imgui_context)
        implot.set_current_context(self.implot_context)

    def tick(self) -> None:
        """The frame's work before drawing: the kiosk's timers, then this frame's training."""
        self._kiosk_tick()
        self.controller.advance()

    def _kiosk_tick(self) -> None:
        """Kiosk mode: the attract demo's clock, and the cursor hidden while nobody moves it."""
        self.taps.next_frame()
        if self.director is None:
            return
        now = self.clock()
        self.director.update(now)
        visible = self.cursor.visible(now)
        if visible != self._cursor_visible:
            self.window.set_mouse_visible(visible)
            self._cursor_visible = visible

    def _lay_out(self, frame) -> float:
        """Where everything goes (recomputed only when the window's size or content changes);
        returns the panel's width."""
        from glnn.view import screen
        tr, state = self.controller.trainer, self.state
        captions = KIOSK_CAPTION_LINES if state.kiosk else int(bool(state.caption) or frame.animation is not None)
        timeline = state.show_panel and "timeline" in state.panel
        # made again only when something it is made from changed, not every frame (a dataset that changes
        # is a new object: compared by identity)
        content_key = (self.window.width, self.window.height, state.ui_scale, tuple(frame.layer_sizes),
                       state.show_panel, timeline, captions)
        if content_key != self._content_key or tr.dataset is not self._content_dataset:
            self._content = screen.content_for(self.window.width, self.window.height, state.ui_scale,
                                               frame.layer_sizes, tr.dataset, panel=state.show_panel,
                                               timeline=timeline, caption_lines=captions)
            self._content_key, self._content_dataset = content_key, tr.dataset
        content = self._content
        key = (content, tuple(tr.net.w_off.tolist()))
        if key != self._screen_key:
            previous = self.layout
            self.screen = screen.compute(content, self.measure, tr.net.w_off)
            self._screen_key = key
            self.layout = self.screen.layout
            self.scene.set_layout(self.layout)
            if previous is None or previous.sizes != self.layout.sizes:
                self.focus_neuron = -1
            if self.governor is not None:
                self.governor.reset()
        panel_w = self.screen.panel.w if self.screen.panel is not None else 0.0
        self.plane.place(tr.dataset, self.screen.plane.rect if self.screen.plane is not None else None)
        self.plane.update(frame, tr, self.layout, panel_w + PLANE_LEFT, self.screen.scale)
        return panel_w

    def _hover(self, frame):
        """The neuron or connection under the pointer (unless ImGui has it), and the scene's style."""
        from imgui_bundle import imgui

        from glnn.view import picking, step_style
        from glnn.view.scene import Style
        state = self.state
        mx, my = self.mouse
        if self.focus_neuron >= self.layout.n_neurons:
            self.focus_neuron = -1
        self.scene.update_detail(frame.params)  # what is drawn this frame is what can be hovered
        if mx >= 0 and not imgui.get_io().want_capture_mouse:
            self.hover_neuron = picking.pick_neuron(self.layout, mx, my)
            self.hover_link = -1
            if self.hover_neuron < 0:
                drawn = self.scene.detail.drawn(self.focus_neuron)
                self.hover_link = picking.pick_link(self.layout, mx, my, drawn=drawn)
        else:
            self.hover_neuron = self.hover_link = -1
        out_start = self.layout.n_neurons - frame.layer_sizes[-1]
        marked = out_start + frame.prediction if frame.layer_sizes[-1] > 1 else (
            out_start if frame.prediction == 1 else -1)
        style = Style(palette=state.palette, glow=state.glow, glow_strength=state.glow_strength,
                      hover_link=self.hover_link, hover_neuron=self.hover_neuron, marked_neuron=marked,
                      focus_neuron=self.focus_neuron)
        return step_style.styled(style, frame.animation, self.layout)

    def _draw_scene(self, frame, style, redraw: bool = True) -> None:
        """The network (connections, neurons, glow) and the input-plane pictures: our GL passes. Without
        `redraw` (the frame-time governor's quick frames) the network's last picture is shown again."""
        from glnn.view import globjects
        size, framebuffer = (self.window.width, self.window.height), self.window.get_framebuffer_size()
        globjects.FrameStats.reset()
        if redraw:
            self.scene.update(frame.params, frame.activations,
                              frame.animation.deltas if frame.animation is not None else None)
            self.scene.draw(size, framebuffer, style)
        else:
            self.scene.show_again(framebuffer, style)
        self.plane.draw(size, framebuffer, self.state.palette)
        self.draw_calls = globjects.FrameStats.draw_calls
        self.instances = globjects.FrameStats.instances

    def _draw_ui(self, frame, panel_w: float) -> list:
        """The ImGui layer: panel, labels, tooltips, captions. Returns the commands the person gave."""
        from imgui_bundle import imgui

        from glnn.core.model import Network
        from glnn.ui import help as help_window
        from glnn.ui import overlay, plane_overlay, space_tab, step_labels, theme, timeline_bar
        tr, state, screen = self.controller.trainer, self.state, self.screen
        h = self.window.height
        scale = screen.scale  # ui_scale, or less where the window is too small for it
        if scale != self._ui_scale:
            theme.set_scale(scale)
            self._ui_scale = scale
        self.renderer.process_inputs()
        # the backend measures time with pyglet's clock, which the event loop also ticks, so its
        # delta (and ImGui's frames/s) would be too small: use the real time between frames
        io = imgui.get_io()
        now = time.perf_counter()
        io.delta_time = max(1e-4, now - self._last_frame) if self._last_frame else 1 / 60
        self._last_frame = now
        imgui.new_frame()
        if self._pending_press is not None:
            if not io.want_capture_mouse:  # up to date now: new_frame looked at the pointer
                self._scene_press(*self._pending_press)
            self._pending_press = None
        given: list = []
        if state.show_panel:
            given += self.panel.draw(frame, state, tr.settings, tr.dataset, h, scale, arch=tr.arch)
        shown_net = Network(tr.net.arch, frame.params)  # what the scene shows: live, or a snapshot
        animating = frame.animation is not None and frame.animation.phase != "done"
        overlay.scene_labels(screen, frame, self.plane.layers_without_values, values=not animating)
        step_labels.scene_labels(self.layout, frame.animation, frame.params, tr.net.b_off, tr.arch.bias,
                                 self.hover_neuron, screen.outputs, state.palette)
        overlay.legend(screen, state.palette, self.measure)
        plane_overlay.labels(self.plane, frame, tr.dataset, state.palette, scale, screen.plane)
        plane_overlay.input_names(self.plane, tr.dataset, scale)
        if space_tab.is_open(state, tr.dataset):
            space_tab.scene_marks(self.layout, state, frame.layer_sizes, scale)
        if state.receptive_fields:
            self.receptive.draw(self.layout, shown_net, tr.dataset, state.palette, scale)
        overlay.caption(state.caption or step_labels.caption(frame.animation, tr.dataset.noun), screen, self.measure)
        overlay.image_strip(frame, screen.strip, tr.dataset, scale, given, self.strip_images)
        if screen.timeline is not None:
            timeline_bar.draw(frame, screen.timeline, scale, given)
        if not io.want_capture_mouse:
            overlay.tooltip(self.layout, frame, shown_net, tr.dataset, self.hover_neuron, self.hover_link,
                            state.palette)
            plane_overlay.tooltip(self.plane, self.mouse, frame.params, tr.dataset, state.click_adds, state.point_class)
        if state.show_help and not help_window.draw(state, tr.dataset):
            given.append(commands.Set("show_help", False))
        imgui.render()
        return given

    def _render_ui(self) -> None:
        from imgui_bundle import imgui
        draw_data = imgui.get_draw_data()
        self.imgui_draw_calls = sum(draw_data.cmd_lists[i].cmd_buffer.size() for i in range(draw_data.cmd_lists_count))
        self.renderer.render(draw_data)

    def _report_non_finite(self, frame) -> None:
        for name in set(frame.non_finite()) - self._reported:
            print(f"glnn: self-check: non-finite {name} on screen", file=sys.stderr, flush=True)
            self._reported.add(name)

    def screenshot(self, path: str) -> None:
        from pyglet import gl
        gl.glFinish()
        self._pyglet.image.get_buffer_manager().get_color_buffer().save(path)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._pyglet.clock.unschedule(self._draw_window)
        from imgui_bundle import imgui, implot
        self.controller.close()
        self.window.switch_to()
        self._make_current()
        self.scene.release()
        self.panel.release()
        self.receptive.release()
        self.strip_images.release()
        self.plane.release()
        self.renderer.shutdown()
        self.window.remove_handlers(self.taps)
        self.window.remove_handlers(self.input_clock)
        self.input_clock.on_input = None
        if self._kiosk_input is not None:
            self.window.remove_handlers(self._kiosk_input)
        implot.destroy_context(self.implot_context)
        imgui.destroy_context(self.imgui_context)


class KioskInput:
    """Kiosk mode: sees every input event before anything else does. Each one tells the director that
    someone is there (it ends the attract demo) and shows the cursor; the events the director says only
    woke the exhibit stop here, so that the touch that ends the demo presses no control under it."""

    def __init__(self, director, cursor, quit_chord: str, clock=time.monotonic):
        self.director = director
        self.cursor = cursor
        self.quit_chord = quit_chord
        self.clock = clock

    def _input(self, event: str, buttons: int = 0):
        from pyglet.event import EVENT_HANDLED
        now = self.clock()
        self.cursor.moved(now)
        return EVENT_HANDLED if self.director.input(now, event, buttons) else None

    def on_mouse_motion(self, x, y, dx, dy):
        return self._input("move")

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        return self._input("drag", buttons)

    def on_mouse_press(self, x, y, button, modifiers):
        return self._input("press", button)

    def on_mouse_release(self, x, y, button, modifiers):
        return self._input("release", button)

    def on_mouse_scroll(self, x, y, scroll_x, scroll_y):
        return self._input("scroll")

    def on_key_press(self, symbol, modifiers):
        if _is_chord(self.quit_chord, symbol, modifiers):  # staff must always get out, demo or not
            return None
        return self._input("key")

    def on_text(self, text):
        return self._input("text")


class InputClock:
    """When the person last gave input (any mouse or key event), on the frame's clock: the frame-time
    governor answers input before it redraws a slow scene. Takes no event (returns None)."""

    def __init__(self, clock=time.perf_counter):
        self.clock = clock
        self.last: float | None = None
        self.on_input = None  # called on each input (App.run: the next frame comes at once)

    def _seen(self, *args) -> None:
        self.last = self.clock()
        if self.on_input is not None:
            self.on_input()

    on_mouse_motion = on_mouse_drag = on_mouse_press = on_mouse_release = on_mouse_scroll = _seen
    on_key_press = on_key_release = on_text = _seen


def _is_chord(chord: str, symbol: int, modifiers: int) -> bool:
    from pyglet.window import key
    *mods, name = chord.split("+")
    wanted = {"ctrl": key.MOD_CTRL, "shift": key.MOD_SHIFT, "alt": key.MOD_ALT}
    if key.symbol_string(symbol).lower().lstrip("_") != name:
        return False
    return all(modifiers & wanted[m] for m in mods)


def create_window(size, headless: bool, fullscreen: bool = False, caption: str = "glnn", screen=None):
    import pyglet
    config = pyglet.gl.Config(major_version=3, minor_version=3, forward_compatible=True, double_buffer=True,
                              red_size=8, green_size=8, blue_size=8, alpha_size=8)  # EGL would pick 16-bit colour
    try:
        if fullscreen:
            return pyglet.window.Window(config=config, fullscreen=True, caption=caption, vsync=True, screen=screen)
        return pyglet.window.Window(size[0], size[1], config=config, resizable=True, visible=not headless,
                                    caption=caption, vsync=not headless)
    except (pyglet.window.NoSuchConfigException, pyglet.gl.ContextException) as e:
        raise GlnnError(f"cannot open an OpenGL 3.3 window: {e}") from None
