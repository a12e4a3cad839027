"""AppState: everything the window shows besides the network, as one plain dataclass.

Commands (glnn.commands) change it through the controller; the panel and the renderer read it.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from glnn.core import settings


@dataclasses.dataclass
class AppState:
    playing: bool = False
    speed: int = 20  # iterations per frame; 0 = as many as the worker thread manages
    train_n: int = 1000
    palette: str = "red-blue"
    glow: bool = True
    glow_strength: float = 1.0
    ui_scale: float = 1.0
    quality: str = "auto"  # "auto": the window's frame-time governor lowers detail when frames are slow
    show_panel: bool = True
    show_help: bool = False
    log_x: bool = False
    # the input shown in the scene: None = follow training (the last trained sample)
    shown_input: np.ndarray | None = None
    shown_label: str = ""
    shown_index: int = -1  # the training image clicked, when shown_input is one
    shown_point: np.ndarray | None = None  # 2-D sets: the point of the plane shown_input was made from
    drawing: np.ndarray | None = None  # the draw grid's pixels
    tab: str = "train"
    results_split: str = "test"  # the split the Results tab's confusion matrix shows
    caption: str = ""  # a line shown large over the scene (kiosk captions, video overlay)
    message: str = ""  # the outcome of the last save/load, shown in the panel
    network_file: str = "glnn-network.npz"
    receptive_fields: bool = False  # show each hidden neuron's incoming weights as a picture
    panel: tuple = settings.PANEL_PARTS  # which parts of the panel are shown
    kiosk: bool = False
    idle_timeout: float = 60.0
    cursor_hide: float = 3.0
    quit_chord: str = "ctrl+shift+q"
    screen: int = 0
    scrub_iteration: int = -1  # the timeline snapshot shown (its iteration), or -1 for the present
    animation_speed: float = 1.0  # pace of the step-through animation (1 = a second or so per layer)
    # the hidden-space view: the two hidden neurons on its axes (x, y), global indices; (-1, -1) or a
    # pair that no longer fits the network = the default pair (glnn.core.layer_space.resolve)
    space_pair: tuple = (-1, -1)
    space_axis: int = 0  # the axis (0 = x, 1 = y) the next neuron picked goes to
    # your own data: a click on the decision map adds a training point (True) or feeds that point
    # through the network (False); point_class is the class a plain click adds (shift-click: the other)
    click_adds: bool = True
    point_class: int = 1
    data_file: str = "glnn-data.csv"  # where Save data writes the training set
    data_message: str = ""  # the outcome of the last change to the training set by hand, or of Save data

    @classmethod
    def from_settings(cls, values: dict[str, Any], **fields: Any) -> "AppState":
        """The state from setting values (names that are no field of the state are left out), then `fields`."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{**{k: v for k, v in values.items() if k in names}, **fields})
