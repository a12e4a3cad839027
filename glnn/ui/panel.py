"""The control panel: play, train, reset, sliders, live figures, plots, choices and the draw tab."""
from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from imgui_bundle import imgui, imgui_ctx

from glnn import commands
from glnn.core import settings
from glnn.ui import step_labels
from glnn.ui import plots
from glnn.ui.data_controls import DataControls
from glnn.ui.draw_grid import DrawGrid
from glnn.ui.results import ResultsTab
from glnn.ui.space_tab import SpaceTab
from glnn.ui.widgets import LOG_SLIDER, MINE, disabled, finite, loss_text
from glnn.view.palette import PALETTES
from glnn.view.screen import PANEL_WIDTH
MAX_SPEED = 100_000  # iterations per frame at the right end of the slider; "max" goes beyond
HIDDEN_MAX = 64


def _file_row(name: str, value: str, out: list, *buttons: str) -> str | None:
    """A file name (the state field `name`) and its buttons on one row; the label of the button pressed."""
    imgui.set_next_item_width(-_buttons_width(*buttons))
    changed, path = imgui.input_text(f"##{name}", value)
    if changed:
        out.append(commands.Set(name, path))
    pressed = None
    for label in buttons:
        imgui.same_line()
        if imgui.button(label):
            pressed = label
    return pressed


def _buttons_width(*labels: str) -> float:
    """The width that buttons with these labels take on a row after another item."""
    style = imgui.get_style()
    return sum(imgui.calc_text_size(label).x + 2 * style.frame_padding.x + style.item_spacing.x for label in labels)


def _rate_slider(name: str, label: str, value: float, out: list) -> tuple[float, float, float, float]:
    """A regularisation rate: logarithmic from 0.0001 up to its setting's limit, with "off" at 0.
    Returns the slider's rectangle (x, y, w, h) in window pixels."""
    hi = settings.BY_NAME[name].hi
    changed, rate = imgui.slider_float(label, float(value), 0.0, hi, "off" if value == 0 else "%.4g", LOG_SLIDER)
    if changed and math.isfinite(rate):
        out.append(commands.Set(name, float(np.clip(rate, 0.0, hi)) if rate >= 1e-4 else 0.0))
    lo, up = imgui.get_item_rect_min(), imgui.get_item_rect_max()
    return lo.x, lo.y, up.x - lo.x, up.y - lo.y


def _choice(label: str, name: str, current, out: list) -> None:
    """A combo box; a dataset or an activation chosen comes with its preset (commands.Choose). A value
    that is none of the setting's choices (a dataset's .csv file, shown by its file name) is listed first."""
    choices = settings.BY_NAME[name].choices
    if current not in choices:
        choices = (current, *choices)
    shown = [os.path.basename(c) if settings.is_csv(c) else c for c in choices]
    changed, index = imgui.combo(label, choices.index(current), shown)
    if changed and choices[index] != current:
        out.append((commands.Choose if name in ("dataset", "activation") else commands.Set)(name, choices[index]))


def figure_rows(frame, dataset, framerate: float) -> list[tuple[str, str]]:
    """The Train tab's figures as (name, value) rows. The loss is the mean over the training set
    (the step animation shows the loss on one sample: both are named so)."""
    m = frame.metrics
    shown = f"{m.iterations:,}" + (f" of {frame.live_iterations:,}" if frame.scrubbed >= 0 else "")
    rows = [("iterations", shown),
            ("mean loss", loss_text(m.train_loss)),
            ("accuracy", f"{finite(m.train_accuracy) * 100:.0f}%")]
    if m.has_test:
        rows.append(dataset.test_figure(m.test_accuracy))
    rows += [("iterations/s", f"{finite(frame.iterations_per_second):,.0f}"),
             ("frames/s", f"{finite(framerate):.0f}")]
    return rows


MANY_DEAD = 0.25  # the panel warns when at least this share of the hidden neurons is dead


def dead_warning(dead: int, total: int, activation: str, noun: str) -> str:
    """What the panel says when many hidden neurons are dead (Trainer.dead_neurons), else ''."""
    if total == 0 or dead == 0 or dead < MANY_DEAD * total:
        return ""
    what = (f"dead: 0 for every training {noun}" if activation == "relu" else
            f"stuck: saturated at the same end for every training {noun}")
    verb, they = ("is", "it no longer learns") if dead == 1 else ("are", "they no longer learn")
    return f"{dead} of {total} hidden neurons {verb} {what}, so {they}. Lower the learning rate, then press Reset."


def outputs_heading(frame, state, dataset) -> str:
    """What the output bars are for: the sample training is on (an image, a point, a pattern), or the
    input chosen (clicked, drawn)."""
    if frame.input_index < 0:
        return f"Output for {state.shown_label}"
    return f"Output for the {dataset.noun} being trained on"


def drawing_answer(drawing, frame, dataset) -> tuple[str, str]:
    """The Draw tab's answer as (sentence, the class said). An empty grid gets no answer: the network
    would name some digit for it, which nothing drawn supports."""
    if drawing is None or not np.any(drawing):
        return "Nothing drawn yet: draw a digit above, and the network will say which one it sees.", ""
    return "The network says:", dataset.class_names[frame.prediction]


_WINDOW_FLAGS = (imgui.WindowFlags_.no_move | imgui.WindowFlags_.no_resize | imgui.WindowFlags_.no_collapse
                 | imgui.WindowFlags_.no_title_bar)


class Panel:
    def __init__(self):
        self.grid = DrawGrid()
        self.results = ResultsTab()
        self.data = DataControls()  # noise, split and the feature column of 2-D sets
        self.rate_sliders: dict[str, tuple] = {}  # the Settings tab's L2/L1 sliders (x, y, w, h), as drawn last
        self.space = SpaceTab()  # how a hidden layer sees the plane (2-D sets)
        self._arch = None
        self.loss_plot = plots.LossPlot()
        self._honoured_tab: str | None = None  # state.tab when last seen: a change opens that tab
        self._select: str | None = None
        self._open: str | None = None  # the tab whose content was drawn last frame
        self._scale = 1.0  # the text scale drawn at (glnn.view.screen.Screen.scale)

    @contextmanager
    def _tab(self, label: str, name: str, state, out: list) -> Iterator[bool]:
        """A tab item that opens when state.tab changes to it (start-up, exhibit config, commands);
        yields whether its content is to be drawn."""
        flags = imgui.TabItemFlags_.set_selected if self._select == name else 0
        with imgui_ctx.begin_tab_item(label, flags) as tab:
            if tab:
                if state.tab != name and self._select is None:
                    out.append(commands.Set("tab", name))
                self._entered = self._open != name
                self._open = name
            yield tab.visible

    def release(self) -> None:
        """Free the GL textures the Results tab and the feature column draw with (the context must be current)."""
        self.results.release()
        self.data.release()

    def width(self, scale: float) -> float:
        return PANEL_WIDTH * scale

    def draw(self, frame, state, trainer_settings: dict, dataset, height: float, scale: float | None = None,
             arch=None) -> list:
        """Draw the panel at the text scale `scale` (the one the window is laid out at: ui_scale, or less
        where the window is too small for it); return the commands the person gave through it. `arch`:
        the network's Architecture (the Space tab evaluates it)."""
        out: list = []
        self._arch = arch
        scale = self._scale = state.ui_scale if scale is None else scale
        imgui.set_next_window_pos(imgui.ImVec2(0, 0))
        imgui.set_next_window_size(imgui.ImVec2(self.width(scale), height))
        with imgui_ctx.begin("glnn", None, _WINDOW_FLAGS):
            imgui.text_colored(imgui.ImVec4(0.45, 0.78, 1.0, 1.0), "glnn")
            imgui.same_line()
            imgui.text_disabled("watch a neural network learn")
            parts = set(state.panel)
            if "help" in parts:
                style = imgui.get_style()  # right-aligned: the button's own padding and the window's
                imgui.same_line(imgui.get_window_width() - imgui.calc_text_size("Help").x - 2 * style.frame_padding.x
                                - style.window_padding.x - style.scrollbar_size)
                if imgui.small_button("Help"):
                    out.append(commands.Set("show_help", not state.show_help))
            self._select = state.tab if state.tab != self._honoured_tab else None
            self._honoured_tab = state.tab
            with imgui_ctx.begin_tab_bar("tabs") as tab_bar:
                if tab_bar:
                    self._tabs(frame, state, trainer_settings, dataset, parts, out)
        return out

    def _tabs(self, frame, state, trainer_settings: dict, dataset, parts: set, out: list) -> None:
        shown = settings.tabs_shown(parts, dataset.has_plane, dataset.image_shape is not None)
        with self._tab("Train", "train", state, out) as opened:
            if opened:
                self._train_tab(frame, state, trainer_settings, dataset, parts, out)
        if "draw" in shown:
            with self._tab("Draw", "draw", state, out) as opened:
                if opened:
                    if self._entered:
                        out.append(commands.ShowInput(state.drawing.copy(), "your drawing"))
                    self._draw_tab(frame, state, dataset, out)
        # a point set: one Data tab for your own points and Playground's data controls (a tab each made
        # six tabs, more than the panel's width shows)
        if "data" in shown:
            with self._tab("Data", "data", state, out) as opened:
                if opened:
                    if "draw" in parts:
                        self._points_section(frame, state, dataset, out)
                    if "data" in parts:
                        self.data.draw(trainer_settings, dataset, state, out)
        if "results" in shown:
            with self._tab("Results", "results", state, out) as opened:
                if opened:
                    self.results.draw(frame, state, dataset, out, self._scale)
        if "space" in shown and self._arch is not None:
            with self._tab("Space", "space", state, out) as opened:
                if opened:
                    self.space.draw(frame, state, dataset, self._arch, out)
        if "settings" in shown:
            with self._tab("Settings", "settings", state, out) as opened:
                if opened:
                    self._settings_tab(state, trainer_settings, out)

    # -- tabs ---------------------------------------------------------------------------------
    def _train_tab(self, frame, state, s, dataset, parts, out) -> None:
        m = frame.metrics
        if "controls" in parts:
            self._controls(state, out)
        if "sliders" in parts:
            self._sliders(state, s, out)
        if "controls" in parts:
            imgui.separator()
            step_labels.controls(frame.animation, state, "squared error" if s["loss"] == "sse" else "cross-entropy",
                                 dataset.class_names, out, dataset.noun)
        imgui.separator()
        if m.diverged:
            imgui.text_colored(imgui.ImVec4(1.0, 0.45, 0.35, 1.0), "Diverged!")
            imgui.text_wrapped(m.diverged)
        warning = dead_warning(*frame.dead_neurons, s["activation"], dataset.noun)
        if warning:
            with imgui_ctx.push_style_color(imgui.Col_.text, imgui.ImVec4(1.0, 0.7, 0.35, 1.0)):
                imgui.text_wrapped(warning)
        if "figures" in parts:
            self._figures(frame, dataset)
        if "plot" in parts:
            test_name = dataset.test_figure(frame.metrics.test_accuracy)[0]
            self.loss_plot.draw(frame, state.log_x, 120 * self._scale,
                                "test accuracy" if test_name == "test accuracy" else f"new {dataset.noun}")
            changed, log_x = imgui.checkbox("log iterations", state.log_x)
            if changed:
                out.append(commands.Set("log_x", log_x))
        if "outputs" in parts:
            imgui.separator()
            self._outputs(frame, state, dataset, out)

    def _controls(self, state, out) -> None:
        button_w = (imgui.get_content_region_avail().x - 2 * imgui.get_style().item_spacing.x) / 3
        if imgui.button("Pause" if state.playing else "Play", imgui.ImVec2(button_w, 0)):
            out.append(commands.TogglePlay())
        imgui.same_line()
        if imgui.button("Step", imgui.ImVec2(button_w, 0)):
            out.append(commands.Step())
        imgui.same_line()
        if imgui.button("Reset", imgui.ImVec2(button_w, 0)):
            out.append(commands.Reset())
        if imgui.button(f"Train {state.train_n:,}"):
            out.append(commands.Train(state.train_n))
        imgui.same_line()
        imgui.set_next_item_width(-1)
        changed, n = imgui.input_int("##train_n", state.train_n, 100, 10_000)
        if changed:
            out.append(commands.Set("train_n", int(np.clip(n, 1, 10_000_000))))

    @staticmethod
    def _label_room() -> float:
        """Room right of the sliders for the longest label at any text size (a fixed width clips it at
        kiosk scale)."""
        return imgui.calc_text_size("hidden neurons").x + imgui.get_style().item_inner_spacing.x + 4

    def _sliders(self, state, s, out) -> None:
        layers = tuple(s["hidden"])
        hidden = layers[0] if layers else 0
        label_room = self._label_room()
        imgui.set_next_item_width(-label_room)
        # 0 = no hidden layer (the inputs feed the output): offered while there is at most one
        lowest = 0 if len(layers) <= 1 else 1
        changed, hidden = imgui.slider_int("hidden neurons", hidden, lowest, max(HIDDEN_MAX, hidden),
                                           "none" if hidden == 0 else "%d")
        if changed:
            hidden = int(np.clip(hidden, lowest, max(HIDDEN_MAX, hidden)))
            out.append(commands.Set("hidden", (hidden,) + layers[1:] if hidden else ()))
        imgui.set_next_item_width(-label_room)
        changed, lr = imgui.slider_float("learning rate", float(s["lr"]), 0.001, 10.0, "%.4g", LOG_SLIDER)
        if changed and math.isfinite(lr):
            out.append(commands.Set("lr", float(np.clip(lr, 0.001, 10.0))))
        self._speed(state, out)

    def _speed(self, state, out) -> None:
        is_max = state.speed == 0
        style = imgui.get_style()
        checkbox_room = imgui.get_frame_height() + style.item_inner_spacing.x + imgui.calc_text_size("max").x
        imgui.set_next_item_width(-(imgui.calc_text_size("speed").x + style.item_inner_spacing.x
                                    + style.item_spacing.x + checkbox_room + 4))
        shown = "flat out" if is_max else "%d / frame"  # not "1 / frame" while max runs millions a second
        with disabled(is_max):
            changed, speed = imgui.slider_int("speed", max(1, state.speed), 1, MAX_SPEED, shown, LOG_SLIDER)
        if changed:
            out.append(commands.Set("speed", int(np.clip(speed, 1, MAX_SPEED))))
        imgui.same_line()
        changed, now_max = imgui.checkbox("max", is_max)
        if changed:
            out.append(commands.Set("speed", 0 if now_max else 1000))

    def _figures(self, frame, dataset) -> None:
        rows = figure_rows(frame, dataset, imgui.get_io().framerate)
        with imgui_ctx.begin_table("figures", 2) as table:
            if not table:
                return
            for name, value in rows:
                imgui.table_next_row()
                imgui.table_next_column()
                imgui.text_disabled(name)
                imgui.table_next_column()
                imgui.text(value)

    def _outputs(self, frame, state, dataset, out) -> None:
        imgui.text_disabled(outputs_heading(frame, state, dataset))
        plots.output_bars(frame, dataset.class_names)
        if frame.input_index < 0 and imgui.button("Follow training"):
            out.append(commands.FollowTraining())

    def _draw_tab(self, frame, state, dataset, out) -> None:
        imgui.text_wrapped("Draw a digit: press on a square to fill it (or empty it), drag to paint more. "
                           "The network answers as you draw.")
        # as large as fits above the buttons, the teaching rows and the output bars (no scrolling)
        style = imgui.get_style()
        below = (3 * imgui.get_frame_height_with_spacing() + 3 * imgui.get_text_line_height_with_spacing()
                 + (imgui.get_text_line_height() + 4) * len(frame.outputs) + 4 * style.item_spacing.y)
        avail = imgui.get_content_region_avail()
        size = min(avail.x, 260 * self._scale, max(100 * self._scale, avail.y - below))
        if self.grid.draw(state.drawing, dataset.image_shape, size):
            out.append(commands.ShowInput(state.drawing.copy(), "your drawing"))
        if imgui.button("Clear"):
            state_pixels = np.zeros_like(state.drawing)
            out.append(commands.Set("drawing", state_pixels))
            out.append(commands.ShowInput(state_pixels, "your drawing"))
        imgui.same_line()
        if imgui.button("Feed it through"):
            out.append(commands.ShowInput(state.drawing.copy(), "your drawing"))
        said, guess = drawing_answer(state.drawing, frame, dataset)
        (imgui.text if guess else imgui.text_wrapped)(said)
        if guess:
            imgui.same_line()
            imgui.text_colored(imgui.ImVec4(1.0, 0.8, 0.3, 1.0), guess)
        self._teach(frame, state, dataset, out)
        if guess:
            imgui.separator()
            plots.output_bars(frame, dataset.class_names)

    def _teach(self, frame, state, dataset, out) -> None:
        """Buttons that add the drawing to the training set as the visitor's example of a class."""
        imgui.separator()
        imgui.text("Teach it: this drawing is a")
        blank = not state.drawing.any()
        names = dataset.class_names
        spacing = 4 * self._scale
        per_row = min(len(names), 10)
        width = (imgui.get_content_region_avail().x - spacing * (per_row - 1)) / per_row
        with disabled(blank), imgui_ctx.push_style_var(imgui.StyleVar_.item_spacing, imgui.ImVec2(spacing, spacing)):
            for k, name in enumerate(names):
                if k % per_row:
                    imgui.same_line()
                if imgui.button(f"{name}##teach", imgui.ImVec2(width, 0)):
                    # the drawing stays on show while training (started if paused) learns it
                    out += [commands.AddExample(state.drawing.copy(), k),
                            commands.ShowInput(state.drawing.copy(), "your drawing"), commands.Play(True)]
        if blank:
            imgui.text_disabled("draw something first")
        self._examples_row(frame, state, "Forget mine", out)

    def _examples_row(self, frame, state, forget: str, out) -> None:
        """How many examples were added by hand and how many are answered right; undo, forget; a note."""
        result = frame.results.get("train")
        added = result.added if result is not None else 0
        if added:
            if imgui.button(forget):
                out.append(commands.ForgetExamples())
            imgui.same_line()
            imgui.text_colored(imgui.ImVec4(*MINE, 1.0), f"{added} of yours,")
            imgui.same_line()
            imgui.text_disabled(f"{result.added_right} right")
        if state.data_message:
            imgui.text_wrapped(state.data_message)

    def _points_section(self, frame, state, dataset, out) -> None:
        """Your own points on a 2-D dataset's decision map: what a click does, which class, undo, clear."""
        imgui.text_disabled("Your points: click the map (shift: other class)")
        imgui.text("a click")
        imgui.same_line()
        if imgui.radio_button("adds a point", state.click_adds) and not state.click_adds:
            out.append(commands.Set("click_adds", True))
        imgui.same_line()
        if imgui.radio_button("shows the answer", not state.click_adds) and state.click_adds:
            out.append(commands.Set("click_adds", False))
        pos, neg = (tuple(min(c, 1.0) for c in colour) for colour in PALETTES[state.palette])
        imgui.text("it adds")
        for k, colour in ((1, pos), (0, neg)):  # class 1 is the palette's positive colour, as on the map
            imgui.same_line()
            with imgui_ctx.push_style_color(imgui.Col_.check_mark, imgui.ImVec4(*colour, 1.0)):
                if imgui.radio_button(f"class {dataset.class_names[k]}", state.point_class == k) \
                        and state.point_class != k:
                    out.append(commands.Set("point_class", k))
        result = frame.results.get("train")
        none = result is None or result.added == 0
        with disabled(none):
            if imgui.button("Undo"):
                out.append(commands.UndoExample())
        imgui.same_line()
        if none:
            imgui.text_disabled("none of yours yet")
        self._examples_row(frame, state, "Clear mine", out)
        imgui.separator()

    def _settings_tab(self, state, s, out) -> None:
        imgui.text_disabled("Network (changing these starts afresh)")
        _choice("dataset", "dataset", s["dataset"], out)
        if imgui.is_item_hovered():
            imgui.set_tooltip("A dataset comes with a network that learns it")
        _choice("activation", "activation", s["activation"], out)
        if imgui.is_item_hovered():
            imgui.set_tooltip("An activation comes with a learning rate that suits it")
        _choice("loss", "loss", s["loss"], out)
        changed, bias = imgui.checkbox("biases", s["bias"])
        if changed:
            out.append(commands.Set("bias", bias))
        layers = len(s["hidden"])
        imgui.text(f"hidden layers: {layers}")
        imgui.same_line()
        if imgui.small_button(" + ") and layers < settings.MAX_HIDDEN_LAYERS:
            width = s["hidden"][-1] if layers else settings.BY_NAME["hidden"].default[0]
            out.append(commands.Set("hidden", tuple(s["hidden"]) + (width,)))
        imgui.same_line()
        if imgui.small_button(" - ") and layers > 0:  # down to none: the inputs feed the output
            out.append(commands.Set("hidden", tuple(s["hidden"][:-1])))
        imgui.separator()
        imgui.text_disabled("Regularisation (L2 shrinks, L1 zeroes)")
        half = (imgui.get_content_region_avail().x - 2 * imgui.calc_text_size("L2").x
                - 3 * imgui.get_style().item_inner_spacing.x - imgui.get_style().item_spacing.x) / 2
        imgui.set_next_item_width(half)
        self.rate_sliders["l2"] = _rate_slider("l2", "L2", s["l2"], out)
        imgui.same_line()
        imgui.set_next_item_width(half)
        self.rate_sliders["l1"] = _rate_slider("l1", "L1", s["l1"], out)
        imgui.separator()
        imgui.text_disabled("Look")
        _choice("palette", "palette", state.palette, out)
        changed, glow = imgui.checkbox("glow", state.glow)
        if changed:
            out.append(commands.Set("glow", glow))
        changed, strength = imgui.slider_float("glow strength", state.glow_strength, 0.0, 3.0, "%.2f",
                                               imgui.SliderFlags_.always_clamp)
        if changed:
            out.append(commands.Set("glow_strength", float(np.clip(strength, 0.0, 3.0))))
        changed, ui_scale = imgui.slider_float("text size", state.ui_scale, 0.5, 4.0, "%.2f",
                                               imgui.SliderFlags_.always_clamp)
        if changed:
            out.append(commands.Set("ui_scale", float(np.clip(ui_scale, 0.5, 4.0))))
        changed, fields = imgui.checkbox("show what hidden neurons look for", state.receptive_fields)
        if changed:
            out.append(commands.Set("receptive_fields", fields))
        imgui.separator()
        # each file on one row, its name and its buttons, so that the outcome below stays on screen
        imgui.text_disabled("Save or load the network (.npz)")
        pressed = _file_row("network_file", state.network_file, out, "Save", "Load")
        if pressed:
            out.append((commands.Save if pressed == "Save" else commands.Load)(state.network_file))
        if state.message:
            imgui.text_wrapped(state.message)
        imgui.separator()
        imgui.text_disabled("Save the training data, yours included (.csv)")
        if _file_row("data_file", state.data_file, out, "Save data"):
            out.append(commands.SaveData(state.data_file))
        if state.data_message:
            imgui.text_wrapped(state.data_message)
