"""The Results tab: train against test over time (overfitting made visible), the confusion matrix
of either split, and the misclassified samples, which a click feeds through the network.

It only reads the Frame (metric history, and the per-split results the controller refreshes
with the metrics) and returns commands. Whatever costs more than a few draw calls (colours,
labels) is prepared once per refresh, keyed on the result object, not once per frame.
"""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, imgui_ctx, implot, implot_ctx

from glnn import commands
from glnn.core import confusion
from glnn.ui import plots
from glnn.ui.tiles import ImageStrip, Texture
from glnn.ui.theme import SERIES
from glnn.ui.widgets import MINE, finite, loss_text, rgba

EMPTY_CELL = (0.10, 0.12, 0.18)
RIGHT_CELL = (0.25, 0.85, 0.55)  # the diagonal: answered right
WRONG_CELL = (1.0, 0.36, 0.30)  # off the diagonal: mixed up
MAX_TILES = 24  # misclassified images shown at once; the rest are counted
MAX_LINES = 12  # misclassified samples listed as text (datasets without images)
PLOT_HEIGHT = 88.0
CELL_GAP = 2  # pixels between the matrix's cells


def _vec4(rgb, alpha: float = 1.0) -> imgui.ImVec4:
    return imgui.ImVec4(rgb[0], rgb[1], rgb[2], alpha)


class _Prepared:
    """What one SplitResult looks like: cell colours, counts and their widths; the misclassified views."""

    def __init__(self, result: confusion.SplitResult, x: np.ndarray, class_names, has_image: bool):
        m = result.matrix
        n = m.shape[0]
        rows = m.sum(axis=1, keepdims=True)
        share = np.divide(m, rows, out=np.zeros(m.shape, np.float64), where=rows > 0)
        # sqrt: one mix-up in forty still shows, while a full row is clearly brighter
        level = np.sqrt(share)[..., None]
        hot = np.where(np.eye(n, dtype=bool)[..., None], RIGHT_CELL, WRONG_CELL)
        self.cell_rgb = np.asarray(EMPTY_CELL) + (hot - np.asarray(EMPTY_CELL)) * level  # (n, n, 3)
        self.counts = [(k, str(v), imgui.calc_text_size(str(v)).x) for k, v in enumerate(m.ravel().tolist()) if v]
        self.dark_text = (level.ravel() > 0.75).tolist()  # dark digits on the brightest cells
        self.label_widths = [imgui.calc_text_size(name).x for name in class_names]
        self.share = share
        self.result = result
        self._x, self._names, self._has_image = x, class_names, has_image
        self._views: dict = {}

    def cells_rgba(self, cell_w: int, cell_h: int) -> np.ndarray:
        """The cells as an image at screen resolution (one texel a pixel), the gaps transparent."""
        n = self.cell_rgb.shape[0]
        rgb = (np.clip(self.cell_rgb, 0, 1) * 255 + 0.5).astype(np.uint8)
        img = np.empty((n * cell_h, n * cell_w, 4), np.uint8)
        img[..., :3] = np.repeat(np.repeat(rgb, cell_h, axis=0), cell_w, axis=1)
        inside_y = (np.arange(n * cell_h) % cell_h) < cell_h - CELL_GAP
        inside_x = (np.arange(n * cell_w) % cell_w) < cell_w - CELL_GAP
        img[..., 3] = np.where(inside_y[:, None] & inside_x[None, :], 255, 0)
        return img

    def view(self, pair: tuple[int, int] | None) -> "_Shown":
        """The misclassified samples to show: all of them, or those of one (true, answer) pair."""
        if pair not in self._views:
            r = self.result
            keep = np.ones(len(r.wrong), bool) if pair is None else (
                (r.wrong_true == pair[0]) & (r.wrong_predicted == pair[1]))
            picked = np.flatnonzero(keep)[:MAX_TILES if self._has_image else MAX_LINES]
            self._views[pair] = _Shown(r.wrong[picked], r.wrong_true[picked], r.wrong_predicted[picked],
                                       int(keep.sum()), self._x, self._names, self._has_image)
        return self._views[pair]


class _Shown:
    """Labels and tile colours of a few misclassified samples."""

    def __init__(self, indices, true, predicted, total: int, x: np.ndarray, names, has_image: bool):
        self.indices = indices.tolist()
        self.images = x[indices]
        self.total = total
        self.labels = [f"{names[t]}->{names[p]}" for t, p in zip(true.tolist(), predicted.tolist())]
        self.label_widths = [imgui.calc_text_size(label).x for label in self.labels]
        self.lines: list[str] = []
        if not has_image:
            more = ", ..." if x.shape[1] > 4 else ""
            self.lines = ["(" + ", ".join(f"{v:.2f}" for v in x[i, :4].tolist()) + more + ")" for i in self.indices]


class ResultsTab:
    def __init__(self):
        self._prepared: dict[str, _Prepared] = {}
        self._pair: tuple[int, int] | None = None  # a clicked off-diagonal cell: show only those mix-ups
        self._clicked: tuple[str, int] | None = None  # the misclassified sample last fed through
        self._strip = ImageStrip()  # the misclassified images on screen, as one texture
        self._strip_holds: _Shown | None = None
        self._curves_key: tuple | None = None
        self._cells = Texture()  # the matrix's cells: one quad instead of n*n
        self._cells_key: tuple | None = None
        # where the matrix and the image grid were last drawn, in window pixels (read by the tests):
        # (left, top, cell width, cell height, classes) and (left, top, step x, step y, per row)
        self.matrix_box: tuple | None = None
        self.tile_grid: tuple | None = None
        self._curves_data: dict = {}
        self._widths: dict[str, plots.PlotWidth] = {}  # per plot: its area's width, for the ticks

    @property
    def plot_rects(self) -> dict[str, tuple]:
        """Where each plot's area was drawn last, (x, y, w, h) in window pixels (read by the tests)."""
        return {name: w.rect for name, w in self._widths.items() if w.rect is not None}

    def draw(self, frame, state, dataset, out: list, scale: float | None = None) -> None:
        scale = state.ui_scale if scale is None else scale
        m = frame.metrics
        self.matrix_box = self.tile_grid = None
        open_flag = imgui.TreeNodeFlags_.default_open
        # sections fold away, so that the mistakes fit on a small screen without scrolling
        if imgui.collapsing_header("Train vs test", open_flag):
            self._table(m, dataset)
            self._curves(frame, state, m.has_test, scale, out)
        split = state.results_split if state.results_split in frame.results else "train"
        result = frame.results.get(split)
        if not imgui.collapsing_header("Mistakes", open_flag):
            return
        if result is None:
            imgui.text_disabled("train to see which classes it mixes up")
            return
        self._split_switch(frame, split, out)
        train = frame.results.get("train")
        if train is not None and train.added:  # the examples added by hand are part of the training set
            imgui.text_colored(_vec4(MINE), f"{train.added} of yours in the training set: "
                                            f"{train.added_right} answered right")
        prepared = self._prepare(result, dataset)
        self._matrix(prepared, dataset.class_names, scale)
        self._misclassified(prepared, state, dataset, scale, out)

    # -- train against test -------------------------------------------------------------------
    def _table(self, m, dataset) -> None:
        """The figures behind the curves, each value in its curve's colour (theme.SERIES). A test set of
        one sample (xor3's new pattern) is right or wrong, not a percentage, and has no gap to speak of."""
        test_name, test_value = dataset.test_figure(m.test_accuracy)
        single = test_name != "test accuracy"
        with imgui_ctx.begin_table("gap", 4, imgui.TableFlags_.sizing_stretch_same) as table:
            if not table:
                return
            imgui.table_next_row()
            imgui.table_next_column()
            imgui.text_disabled("")
            for name in ("train", "test", "gap"):
                imgui.table_next_column()
                imgui.text_disabled(name)
            rows = [("accuracy", "accuracy", f"{finite(m.train_accuracy) * 100:.0f}%", "test accuracy", test_value,
                     "-" if single else f"{(finite(m.train_accuracy) - finite(m.test_accuracy)) * 100:+.0f}%"),
                    ("mean loss", "mean loss", loss_text(m.train_loss, 4), "test loss", loss_text(m.test_loss, 4),
                     "-" if single else f"{finite(m.test_loss) - finite(m.train_loss):+.4f}")]
            for name, train_series, train, test_series, test, gap in rows:
                imgui.table_next_row()
                imgui.table_next_column()
                imgui.text_disabled(name)
                for series, text in ((train_series, train), (test_series, test), ("gap", gap)):
                    imgui.table_next_column()
                    if (m.has_test or series == train_series) and text != "-":
                        imgui.text_colored(_vec4(SERIES[series]), text)
                    else:
                        imgui.text_disabled("-")
        if single and m.has_test:
            imgui.text_disabled(f"test: the one {test_name}, never trained on")

    def _curves(self, frame, state, has_test: bool, scale: float, out: list) -> None:
        n = len(frame.metric_x)
        key = (n, float(frame.metric_x[-1]) if n else -1.0, float(frame.metric_y[-1].sum()) if n else 0.0, state.log_x)
        if key != self._curves_key:  # the history changes a few times a second, not every frame
            c = confusion.curves(frame.metric_x, frame.metric_y)
            for name in ("train_accuracy", "test_accuracy"):
                c[name] = c[name] * 100.0
            losses = np.concatenate([c["train_loss"], c["test_loss"] if has_test else c["train_loss"]])
            lo, hi = (float(losses.min()), float(losses.max())) if n else (0.0, 1.0)
            hi = hi if hi > lo else lo + 1.0
            c["loss_range"] = (lo, hi)
            c["loss_ticks"] = plots.value_ticks(lo, hi)
            xs = c["x"][c["x"] >= 1] if state.log_x else c["x"]  # a log axis starts at iteration 1
            x_lo, x_hi = (float(xs[0]), float(xs[-1])) if len(xs) else (0.0, 1.0)
            c["x_range"] = (x_lo, x_hi) if x_hi > x_lo else (x_lo, x_lo + 10.0)
            self._curves_data, self._curves_key = c, key
        c = self._curves_data
        self._plot("##accuracy_gap", c, "accuracy", has_test, state.log_x, scale, bottom=False)
        self._plot("##loss_gap", c, "loss", has_test, state.log_x, scale, bottom=True)
        changed, log_x = imgui.checkbox("log iterations", state.log_x)
        if changed:
            out.append(commands.Set("log_x", log_x))
        if not has_test:
            imgui.same_line()
            imgui.text_disabled("(no test set)")

    def _plot(self, plot_id: str, c: dict, what: str, has_test: bool, log_x: bool, scale: float,
              bottom: bool) -> None:
        # no legend: the table above names the colours, and a legend would hide the curves' ends
        flags = implot.Flags_.no_mouse_text | implot.Flags_.no_box_select | implot.Flags_.no_legend
        implot.push_style_var(implot.StyleVar_.plot_padding, imgui.ImVec2(6 * scale, 6 * scale))
        with implot_ctx.begin_plot(plot_id, imgui.ImVec2(-1, PLOT_HEIGHT * scale), flags) as plot:
            implot.pop_style_var()  # NB ImPlot reads the padding later, in its setup: this push has no effect
            if not plot:
                return
            # the two plots share the x axis and its ticks: only the lower one labels them
            x_flags = implot.AxisFlags_.no_tick_labels if not bottom else 0
            if what == "accuracy":
                implot.setup_axes("", "accuracy", x_flags, 0)
                implot.setup_axis_limits(implot.ImAxis_.y1, -3.0, 105.0, imgui.Cond_.always)
                implot.setup_axis_ticks(implot.ImAxis_.y1, [0.0, 50.0, 100.0], plots.PERCENT_TICKS[1])
            else:  # three ticks: ImPlot's own crowd a plot this short
                lo, hi = c["loss_range"]
                pad = (hi - lo) * 0.08
                implot.setup_axes("", "mean loss", x_flags, 0)
                implot.setup_axis_limits(implot.ImAxis_.y1, lo - pad, hi + pad, imgui.Cond_.always)
                implot.setup_axis_ticks(implot.ImAxis_.y1, *c["loss_ticks"])
            if log_x:
                implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.log10)
            x_lo, x_hi = c["x_range"]
            implot.setup_axis_limits(implot.ImAxis_.x1, x_lo, x_hi, imgui.Cond_.always)
            width = self._widths.setdefault(plot_id, plots.PlotWidth())
            implot.setup_axis_ticks(implot.ImAxis_.x1, *plots.axis_ticks(x_lo, x_hi, log_x, width.get()))
            x = c["x"]
            if len(x):
                train = c[f"train_{what}"]
                if has_test:
                    test = c[f"test_{what}"]
                    implot.plot_shaded("gap", x, train, test, plots.spec("gap", shaded=True))
                    plots.line(f"test {what}", x, test)
                    gap = float(train[-1] - test[-1])
                    if what == "accuracy" and gap >= 8.0:  # name the gap where it is, when there is room for it
                        implot.plot_text(f"gap {gap:.0f}%", float(x[-1]), float(test[-1] + train[-1]) / 2,
                                         imgui.ImVec2(-34 * scale, 0))
                plots.line("accuracy" if what == "accuracy" else "mean loss", x, train)
            else:
                implot.plot_text("train to see it", 0.5, 0.5)
            width.measure()

    # -- confusion matrix ---------------------------------------------------------------------
    def _split_switch(self, frame, split: str, out: list) -> None:
        imgui.text_disabled("confusion matrix of the")
        for name in confusion.SPLITS:
            if name not in frame.results:
                continue
            imgui.same_line()
            if imgui.radio_button(name, split == name) and split != name:
                out.append(commands.Set("results_split", name))
                self._pair = None

    def _prepare(self, result, dataset) -> _Prepared:
        prepared = self._prepared.get(result.split)
        if prepared is None or prepared.result is not result:
            if dataset.has_plane:  # a 2-D set's samples are named by their points, whatever the features
                x = dataset.plane_train if result.split == "train" else dataset.plane_test
            else:
                x = dataset.x_train if result.split == "train" else dataset.x_test
            prepared = _Prepared(result, x, dataset.class_names, dataset.image_shape is not None)
            self._prepared[result.split] = prepared
            if self._pair is not None and (max(self._pair) >= len(result.matrix) or result.matrix[self._pair] == 0):
                self._pair = None  # that mix-up is gone (or the dataset changed)
        return prepared

    def _matrix(self, p: _Prepared, class_names, scale: float) -> None:
        n = p.result.matrix.shape[0]
        draw = imgui.get_window_draw_list()
        line = imgui.get_text_line_height()
        label_w = max(p.label_widths) + 8 * scale
        avail = imgui.get_content_region_avail().x
        cell_w = float(np.floor(min((avail - label_w) / n, 64 * scale)))
        cell_h = float(np.floor(min(cell_w, max(line + 8 * scale, cell_w * 0.6))))  # flatter: fits more
        imgui.text_disabled("rows: true class, columns: its answer")
        origin = imgui.get_cursor_screen_pos()
        # whole pixels: the cells texture maps one texel to one pixel
        x0, y0 = float(np.floor(origin.x + label_w)), float(np.floor(origin.y + line + 4))
        label_colour = rgba(0.7, 0.75, 0.85)
        for k, name in enumerate(class_names):  # column (answer) labels on top, row (true) labels left
            w = p.label_widths[k]
            draw.add_text(imgui.ImVec2(x0 + k * cell_w + (cell_w - CELL_GAP - w) / 2, origin.y), label_colour, name)
            draw.add_text(imgui.ImVec2(origin.x, y0 + k * cell_h + (cell_h - CELL_GAP - line) / 2), label_colour, name)
        key = (p, int(cell_w), int(cell_h))
        if self._cells_key != key:  # a new result (a few times a second while training) or a new size
            self._cells.upload(p.cells_rgba(int(cell_w), int(cell_h)))
            self._cells_key = key
        self._cells.draw(draw, x0, y0, n * cell_w, n * cell_h)
        text_dark, text_light = rgba(0.05, 0.06, 0.09), rgba(0.92, 0.94, 1.0)
        for k, text, w in p.counts:  # only the cells with a count have text
            r, c = divmod(k, n)
            cx, cy = x0 + c * cell_w, y0 + r * cell_h
            draw.add_text(imgui.ImVec2(cx + (cell_w - CELL_GAP - w) / 2, cy + (cell_h - CELL_GAP - line) / 2),
                          text_dark if p.dark_text[k] else text_light, text)
        if self._pair is not None:
            r, c = self._pair
            cx, cy = x0 + c * cell_w, y0 + r * cell_h
            draw.add_rect(imgui.ImVec2(cx - 1, cy - 1), imgui.ImVec2(cx + cell_w - 1, cy + cell_h - 1),
                          rgba(1.0, 0.8, 0.3), 3.0, 2.0)
        self.matrix_box = (x0, y0, cell_w, cell_h, n)
        imgui.set_cursor_screen_pos(imgui.ImVec2(x0, y0))
        imgui.invisible_button("##matrix", imgui.ImVec2(max(1.0, cell_w * n), max(1.0, cell_h * n)))
        if imgui.is_item_hovered():
            mouse = imgui.get_mouse_pos()
            r = int(np.clip((mouse.y - y0) // cell_h, 0, n - 1))
            c = int(np.clip((mouse.x - x0) // cell_w, 0, n - 1))
            count = int(p.result.matrix[r, c])
            what = "right" if r == c else f"taken for {class_names[c]}"
            imgui.set_tooltip(f"{count} {p.result.split} sample{'s' if count != 1 else ''} of class {class_names[r]} "
                              f"{what} ({p.share[r, c] * 100:.0f}% of the {class_names[r]}s)"
                              + ("\nclick: show only these" if r != c and count else ""))
            if imgui.is_item_clicked():
                self._pair = None if r == c or count == 0 or self._pair == (r, c) else (r, c)

    # -- misclassified samples ----------------------------------------------------------------
    def _misclassified(self, p: _Prepared, state, dataset, scale: float, out: list) -> None:
        r = p.result
        noun = dataset.noun
        if len(r.wrong) == 0:
            imgui.text_colored(_vec4(RIGHT_CELL), f"Every {r.split} {noun} is right")
            return
        shown = p.view(self._pair)
        if self._pair is not None:
            t, q = self._pair
            imgui.text(f"{dataset.class_names[t]} taken for {dataset.class_names[q]}: {shown.total}")
            imgui.same_line()
            if imgui.small_button("show all"):
                self._pair = None
        else:
            imgui.text(f"Wrong: {len(r.wrong)} of {r.total} {r.split} {noun}s")
        if self._clicked is not None and (state.shown_input is None or state.shown_index != -1):
            self._clicked = None  # the scene went back to following training
        if dataset.has_plane:
            x = dataset.plane_train if r.split == "train" else dataset.plane_test
        else:
            x = dataset.x_train if r.split == "train" else dataset.x_test
        if dataset.image_shape is not None:
            self._tiles(shown, r.split, x, dataset.image_shape, scale, out)
        else:
            self._lines(shown, r.split, x, out, noun, dataset.has_plane)
        if shown.total > len(shown.indices):
            imgui.text_disabled(f"and {shown.total - len(shown.indices)} more")

    def _tiles(self, shown: _Shown, split, x, shape, scale, out) -> None:
        rows, cols = shape
        cell = float(max(2.0, np.floor(34 * scale / cols)))
        tile_w = cell * cols
        line = imgui.get_text_line_height()
        gap_x, gap_y = 10 * scale, 6 * scale
        slot = max(tile_w, max(shown.label_widths, default=0.0))  # a label may be wider than its image
        avail = imgui.get_content_region_avail().x
        per_row = max(1, int((avail + gap_x) // (slot + gap_x)))
        draw = imgui.get_window_draw_list()
        origin = imgui.get_cursor_screen_pos()
        step_x, step_y = slot + gap_x, cell * rows + line + gap_y + 4
        label_colour, frame_colour = rgba(1.0, 0.55, 0.5), rgba(0.22, 0.26, 0.36)
        if self._strip_holds is not shown:
            self._strip.upload(shown.images, shape)
            self._strip_holds = shown
        for k, index in enumerate(shown.indices):
            r, c = divmod(k, per_row)
            left = origin.x + c * step_x
            tx, ty = left + (slot - tile_w) / 2, origin.y + r * step_y + 3
            draw.add_rect_filled(imgui.ImVec2(tx - 2, ty - 2), imgui.ImVec2(tx + tile_w + 2, ty + cell * rows + 2),
                                 frame_colour)
            self._strip.draw(draw, k, tx, ty, tile_w, cell * rows)
            if self._clicked == (split, index):
                draw.add_rect(imgui.ImVec2(tx - 3, ty - 3), imgui.ImVec2(tx + tile_w + 2, ty + cell * rows + 2),
                              rgba(1.0, 0.8, 0.3), 3.0, 2.5)
            w = shown.label_widths[k]
            draw.add_text(imgui.ImVec2(left + (slot - w) / 2, ty + cell * rows + 2), label_colour, shown.labels[k])
        n_rows = (len(shown.indices) + per_row - 1) // per_row
        self.tile_grid = (origin.x, origin.y, step_x, step_y, per_row)
        imgui.invisible_button("##tiles", imgui.ImVec2(max(1.0, per_row * step_x - gap_x), max(1.0, n_rows * step_y)))
        if imgui.is_item_hovered():
            mouse = imgui.get_mouse_pos()
            c, r = int((mouse.x - origin.x) // step_x), int((mouse.y - origin.y) // step_y)
            k = r * per_row + c
            if 0 <= c < per_row and 0 <= k < len(shown.indices):
                imgui.set_tooltip(f"{split} image #{shown.indices[k]}: {shown.labels[k]}\n"
                                  "click to feed it through the network")
                if imgui.is_item_clicked():
                    self._feed(split, shown.indices[k], shown.labels[k], x, out, "image")

    def _lines(self, shown: _Shown, split, x, out, noun: str, plane: bool) -> None:
        """One line per sample (its values, or for a 2-D set its point); click to feed it through."""
        for k, index in enumerate(shown.indices):
            text = f"#{index} {shown.lines[k]}: {shown.labels[k]}"
            if imgui.selectable(f"{text}##{split}{index}", self._clicked == (split, index))[0]:
                if plane:  # x holds the points: fed as the data's features of them
                    self._clicked = (split, index)
                    out.append(commands.ShowPoint(x[index].copy(), f"{split} {noun} #{index} ({shown.labels[k]})"))
                else:
                    self._feed(split, index, shown.labels[k], x, out, noun)

    def release(self) -> None:
        self._strip.release()
        self._strip_holds = None
        self._cells.release()
        self._cells_key = None

    def _feed(self, split, index, label, x, out, noun: str) -> None:
        self._clicked = (split, index)
        out.append(commands.ShowInput(x[index].copy(), f"{split} {noun} #{index} ({label})"))
