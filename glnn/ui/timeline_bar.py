"""The timeline: a slim bar along the bottom of the scene to drag the network back in time.

The track runs from the first snapshot (left) to the present (right end). Snapshots are
log-spaced, and the track gives each the same width, so the early iterations, where the
network changes most, get most of the track; decade labels (10, 100, 1k, ...) show the
scale. Dragging emits ("scrub", index); index == number of snapshots is the present.
"""
from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np
from imgui_bundle import imgui, imgui_ctx

from glnn import commands
from glnn.ui.widgets import rgba, short_count

_FLAGS = (imgui.WindowFlags_.no_decoration | imgui.WindowFlags_.no_move | imgui.WindowFlags_.no_saved_settings
          | imgui.WindowFlags_.no_focus_on_appearing | imgui.WindowFlags_.no_scroll_with_mouse)
GOLD = (1.0, 0.8, 0.3)
ACCENT = (0.33, 0.72, 1.0)
_DECADES = tuple(10 ** k for k in range(1, 13))


def positions(timeline: np.ndarray, live: int, values) -> list[float]:
    """Where iterations `values` fall on the track, as fractional slot numbers (0 .. len(timeline)):
    between two snapshots the position is interpolated in log(1 + iteration). Plain Python: a few
    values a frame, where numpy's calls would cost more than the arithmetic."""
    stops = timeline.tolist()
    stops.append(max(live, stops[-1]))
    out = []
    for v in values:
        k = bisect_right(stops, v)  # stops[k - 1] <= v < stops[k]
        if k == 0 or k == len(stops):
            out.append(0.0 if k == 0 else float(k - 1))
            continue
        a, b = math.log1p(stops[k - 1]), math.log1p(stops[k])
        out.append(k - 1 + (math.log1p(v) - a) / (b - a))
    return out


def draw(frame, rect, scale: float, out: list) -> None:
    """Draw the bar in `rect` (glnn.view.screen.Screen.timeline: its height is
    screen.timeline_height). It shows before any training too (only "now" on it); the scene
    keeps its room for it either way, so nothing jumps when the first iteration runs."""
    timeline, live = frame.timeline, frame.live_iterations
    slots = len(timeline)  # the present is slot `slots`, right of the last snapshot
    if slots < 1:
        return
    pad = 10 * scale
    line_h = imgui.get_text_line_height()
    track_h = 8 * scale
    knob_r = 9 * scale
    imgui.set_next_window_pos(imgui.ImVec2(rect.x, rect.y))
    imgui.set_next_window_size(imgui.ImVec2(rect.w, rect.h))
    # the padding is pushed for Begin only, so that the hover tooltip inside keeps the usual one
    imgui.push_style_var(imgui.StyleVar_.window_padding, imgui.ImVec2(pad * 1.6, pad))
    with imgui_ctx.begin("timeline", None, _FLAGS):
        imgui.pop_style_var()
        draw_list = imgui.get_window_draw_list()
        scrubbed = frame.scrubbed
        shown = int(timeline[scrubbed]) if scrubbed >= 0 else live
        inner_w = imgui.get_content_region_avail().x

        # -- the line of text: where we are, and how to get back
        if scrubbed >= 0:
            label = "Play from now"
            button_x = imgui.get_window_width() - pad * 1.6 - imgui.calc_text_size(label).x \
                - 2 * imgui.get_style().frame_padding.x
            imgui.text_colored(imgui.ImVec4(*GOLD, 1.0), f"iteration {shown:,} of {live:,}")
            room = (button_x - imgui.get_item_rect_max().x + imgui.get_window_pos().x
                    - 2 * imgui.get_style().item_spacing.x)
            for hint in ("- the network as it was then. Play returns to now", "- Play returns to now"):
                if imgui.calc_text_size(hint).x <= room:  # the longest hint that fits beside the button
                    imgui.same_line()
                    imgui.text_disabled(hint)
                    break
            imgui.same_line(max(imgui.get_cursor_pos_x(), button_x))
            if imgui.small_button(label):
                out.append(commands.TogglePlay())
        else:
            text = f"now: iteration {live:,}"
            text_x = imgui.get_window_width() - imgui.calc_text_size(text).x - pad * 1.6
            room = text_x - imgui.get_cursor_pos_x() - imgui.get_style().item_spacing.x
            hints = ("Drag back along the timeline to see the network as it was earlier", "Drag back to see earlier")
            if live <= int(timeline[0]):
                hints = ("Press Play: the timeline records how the network learns", "Press Play to record")
            for hint in hints:
                if imgui.calc_text_size(hint).x <= room:
                    imgui.text_disabled(hint)
                    imgui.same_line(text_x)
                    break
            imgui.text(text)

        # -- the track
        origin = imgui.get_cursor_screen_pos()
        x0 = origin.x + knob_r
        x1 = origin.x + inner_w - knob_r
        cy = origin.y + 4 * scale + knob_r
        imgui.invisible_button("track", imgui.ImVec2(inner_w, 2 * knob_r + 8 * scale + line_h))
        active, hovered = imgui.is_item_active(), imgui.is_item_hovered()
        mouse_x = imgui.get_mouse_pos().x
        span = max(1.0, x1 - x0)
        under_mouse = min(max(round((mouse_x - x0) / span * slots), 0), slots)
        current = scrubbed if scrubbed >= 0 else slots
        if active and under_mouse != current:
            out.append(commands.Scrub(under_mouse))

        knob_x = x0 + span * current / slots
        colour = GOLD if scrubbed >= 0 else ACCENT
        half = track_h / 2
        draw_list.add_rect_filled(imgui.ImVec2(x0, cy - half), imgui.ImVec2(x1, cy + half), rgba(0.13, 0.16, 0.24),
                                  half)
        if live > int(timeline[0]):  # filled up to the knob once there is a past (empty before any training)
            draw_list.add_rect_filled(imgui.ImVec2(x0, cy - half), imgui.ImVec2(knob_x, cy + half), rgba(*colour), half)
        # decade ticks, labelled underneath where they do not crowd each other
        first = int(timeline[0])
        decades = [d for d in _DECADES if first < d <= live]
        label_y = cy + knob_r + 2 * scale
        last_right = -1e9
        ticks = [(0.0, short_count(first))] + list(zip(positions(timeline, live, decades),
                                                      (short_count(d) for d in decades)))
        for slot, text in ticks:
            tx = x0 + span * slot / slots
            draw_list.add_line(imgui.ImVec2(tx, cy - half - 3 * scale), imgui.ImVec2(tx, cy + half + 3 * scale),
                               rgba(0.55, 0.62, 0.78, 0.8), 1.0)
            tw = imgui.calc_text_size(text).x
            if tx - tw / 2 > last_right + 6 * scale and tx + tw / 2 < x1 - imgui.calc_text_size("now").x - 8 * scale:
                draw_list.add_text(imgui.ImVec2(tx - tw / 2, label_y), rgba(0.55, 0.62, 0.78), text)
                last_right = tx + tw / 2
        now_w = imgui.calc_text_size("now").x
        draw_list.add_text(imgui.ImVec2(x1 - now_w / 2 if scrubbed >= 0 else x1 - now_w, label_y),
                           rgba(0.75, 0.85, 1.0) if scrubbed < 0 else rgba(0.55, 0.62, 0.78), "now")
        # the knob
        ring = rgba(1.0, 1.0, 1.0, 1.0 if (active or hovered) else 0.85)
        draw_list.add_circle_filled(imgui.ImVec2(knob_x, cy), knob_r, rgba(*colour))
        draw_list.add_circle(imgui.ImVec2(knob_x, cy), knob_r, ring, 0, 2.0)
        if hovered and not active and under_mouse != current:  # where a click would land
            where = int(timeline[under_mouse]) if under_mouse < slots else live
            imgui.set_tooltip(f"iteration {where:,}" + (" (now)" if under_mouse == slots else ""))
