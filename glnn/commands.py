"""The commands the UI, the window's keys and the kiosk give the controller: one small type each.

A command is data: the panel returns a list of them, `Controller.apply` carries each out.
Being types, a misspelt command or field fails where it is written, not somewhere later.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Union

import numpy as np

from glnn.core import settings
from glnn.core.step import MODES
from glnn.state import AppState

_STATE_FIELDS = frozenset(f.name for f in dataclasses.fields(AppState))


@dataclasses.dataclass(frozen=True)
class TogglePlay:
    """Space / the Play button: pause, or play and follow training (the scene shows the samples trained)."""


@dataclasses.dataclass(frozen=True)
class Play:
    playing: bool


@dataclasses.dataclass(frozen=True)
class Step:
    """One iteration, paused."""


@dataclasses.dataclass(frozen=True)
class Train:
    iterations: int


@dataclasses.dataclass(frozen=True)
class Reset:
    """New random weights."""


@dataclasses.dataclass(frozen=True)
class Set:
    """Change a training setting (the trainer applies it, maybe rebuilding the network) or a state field."""
    name: str
    value: Any

    def __post_init__(self):
        if self.name not in settings.TRAIN_KEYS and self.name not in _STATE_FIELDS:
            raise ValueError(f"Set: {self.name!r} is neither a training setting nor a field of AppState")


@dataclasses.dataclass(frozen=True)
class Choose:
    """A person chose a dataset or an activation in the panel: it comes with its preset (a dataset with
    its hidden layers, activation and learning rate; an activation with its learning rate for the
    dataset), so that what is chosen learns. Set changes the one setting alone."""
    name: str
    value: Any

    def __post_init__(self):
        if self.name not in ("dataset", "activation"):
            raise ValueError(f"Choose: {self.name!r} has no preset; use Set")


@dataclasses.dataclass(frozen=True)
class ShowSample:
    """Feed training sample `index` through the network and show it."""
    index: int


@dataclasses.dataclass(frozen=True, eq=False)
class ShowInput:
    """Feed any input (a drawing, a point of the plane, a test image) through the network and show it."""
    pixels: np.ndarray
    label: str = "your drawing"


@dataclasses.dataclass(frozen=True, eq=False)
class ShowPoint:
    """Feed a point (x1, x2) of a 2-D set's plane through the network, as the data's features of it."""
    point: np.ndarray
    label: str = ""


@dataclasses.dataclass(frozen=True)
class PickNeuron:
    """Choose a hidden neuron for an axis of the hidden-space view (the axes take turns)."""
    neuron: int


@dataclasses.dataclass(frozen=True)
class FollowTraining:
    """Show the samples training visits again, instead of a chosen input."""


@dataclasses.dataclass(frozen=True)
class Save:
    path: str


@dataclasses.dataclass(frozen=True)
class Load:
    path: str


@dataclasses.dataclass(frozen=True)
class Animate:
    """Play one SGD iteration slowly: "forward", "backprop" or "step" (glnn.core.step)."""
    mode: str

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"Animate: mode {self.mode!r} is not one of {', '.join(MODES)}")


@dataclasses.dataclass(frozen=True)
class Scrub:
    """Show timeline snapshot `index` (past the last one: the present)."""
    index: int


@dataclasses.dataclass(frozen=True)
class ScrubBy:
    """Move `steps` snapshots back (negative) or on along the timeline (Left/Right)."""
    steps: int


@dataclasses.dataclass(frozen=True)
class ScrubTo:
    """Show the snapshot at or before `iteration`."""
    iteration: int


@dataclasses.dataclass(frozen=True, eq=False)
class AddExample:
    """Add `inputs` to the training set as the person's own example of class `label` (an index into
    the class names): a drawing taught on the Draw tab, a point clicked on the decision map."""
    inputs: np.ndarray
    label: int


@dataclasses.dataclass(frozen=True)
class UndoExample:
    """Take back the example added last."""


@dataclasses.dataclass(frozen=True)
class ForgetExamples:
    """Remove every example added by hand: back to the training set as loaded."""


@dataclasses.dataclass(frozen=True)
class SaveData:
    """Write the training set, the examples added by hand included, to a CSV file (atomically)."""
    path: str


Command = Union[TogglePlay, Play, Step, Train, Reset, Set, Choose, ShowSample, ShowInput, ShowPoint, PickNeuron,
                FollowTraining, Save, Load, Animate, Scrub, ScrubBy, ScrubTo, AddExample, UndoExample, ForgetExamples,
                SaveData]
ALL = Command.__args__
SCRUB = (Scrub, ScrubBy, ScrubTo)
