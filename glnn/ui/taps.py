"""Taps for ImGui: a touch screen (or xdotool) moves the pointer and presses in the same instant.

ImGui decides that a tab (and any widget that allows overlap) is under the pointer only if it was
there the frame before, so a press that arrives together with the move that brought the pointer
is lost: on a kiosk's touch screen the panel's tabs could not be tapped. This handler sits on top
of the window's handler stack and holds back button events that follow a move within the same
frame, then gives them to ImGui (and the app) one per frame, after a frame with the new position.
"""
from __future__ import annotations

from collections import deque

from pyglet.event import EVENT_HANDLED, EventDispatcher


class TapSequencer:
    def __init__(self, window):
        self.window = window
        self._moved = False  # the pointer moved since the last frame started
        self._held: deque = deque()  # button events (and drags after them) waiting for their frame
        self._replaying = False

    def on_mouse_motion(self, x, y, dx, dy):
        return self._follow(("on_mouse_motion", x, y, dx, dy))

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        return self._follow(("on_mouse_drag", x, y, dx, dy, buttons, modifiers))

    def _follow(self, event):
        """A move: passes, unless button events are held (it must not overtake them)."""
        if self._replaying:
            return None
        if self._held:
            self._held.append(event)
            return EVENT_HANDLED
        self._moved = True
        return None

    def on_mouse_press(self, x, y, button, modifiers):
        return self._hold_if_needed(("on_mouse_press", x, y, button, modifiers))

    def on_mouse_release(self, x, y, button, modifiers):
        return self._hold_if_needed(("on_mouse_release", x, y, button, modifiers))

    def _hold_if_needed(self, event):
        if self._replaying or not (self._moved or self._held):
            return None
        self._held.append(event)
        return EVENT_HANDLED

    def next_frame(self) -> None:
        """Call at the start of each frame, before ImGui reads its input."""
        if self._moved:  # ImGui has not yet drawn a frame with the pointer where it is now
            self._moved = False
            return
        if not self._held:
            return
        event = self._held.popleft()
        self._replaying = True
        try:
            # straight to the handlers: Window.dispatch_event may queue it until the next event poll
            EventDispatcher.dispatch_event(self.window, *event)
            while self._held and self._held[0][0] in ("on_mouse_drag", "on_mouse_motion"):  # moves ride along
                EventDispatcher.dispatch_event(self.window, *self._held.popleft())
        finally:
            self._replaying = False
