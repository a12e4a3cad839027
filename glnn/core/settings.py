"""Every user-facing setting, declared once.

The same declaration feeds the command line (flags and their help), the exhibit
config file (validation, one line naming the bad key) and the panel (ranges of
the sliders). Nothing else in glnn hard-codes a default or a range.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

from glnn.core.errors import GlnnError
from glnn.core.features import DEFAULT as DEFAULT_FEATURES
from glnn.core.features import FEATURES

DATASETS = ("digits5", "xor3", "digits8", "circle", "xor", "gauss", "spiral")  # built in; or a .csv file
CSV_SUFFIX = ".csv"
IMAGE_SHAPES = ("none", "5x5", "8x8")  # how a .csv file's feature columns are drawn: as a 5x5 or 8x8 image
GENERATED = ("circle", "xor", "gauss", "spiral")  # the 2-D point sets glnn generates (noise, train_ratio)
ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("sse", "xent")
PALETTES = ("red-blue", "green-red")
QUALITY_MODES = ("auto", "full")  # the window's picture: the frame-time governor's, or always in full
PANEL_PARTS = ("controls", "sliders", "data", "figures", "plot", "outputs", "draw", "results", "space", "settings",
               "help", "timeline")
TABS = ("train", "draw", "data", "results", "space", "settings")  # the panel's tabs, in order


def tabs_shown(parts, has_plane: bool, has_images: bool) -> tuple[str, ...]:
    """The panel's tabs for these panel parts and a dataset with (or without) a plane of points and
    pictures, in order: the Draw tab for pictures, one Data tab for a point set (the visitor's own
    points and Playground's data controls)."""
    parts = set(parts)
    shown = {"train": True, "draw": "draw" in parts and has_images, "data": has_plane and bool({"draw", "data"} & parts),
             "results": "results" in parts, "space": "space" in parts and has_plane, "settings": "settings" in parts}
    return tuple(tab for tab in TABS if shown[tab])
MODIFIERS = ("ctrl", "shift", "alt")
MAX_HIDDEN_LAYERS = 4
MAX_HIDDEN_NEURONS = 256


@dataclasses.dataclass(frozen=True)
class Preset:
    """A network that learns its dataset: hidden layer sizes, activation, and a learning rate for each
    activation (TensorFlow Playground's idea). Every preset is checked in tests/test_presets.py."""
    hidden: tuple[int, ...]
    activation: str
    lr: dict[str, float]  # per activation

    def settings(self, activation: str | None = None) -> dict[str, Any]:
        """The preset's settings; with `activation`, that activation and its learning rate."""
        activation = activation or self.activation
        return {"hidden": self.hidden, "activation": activation, "lr": self.lr[activation]}


# Chosen in the panel, a dataset brings its preset, and an activation its learning rate for the dataset;
# on the command line (and in an exhibit config) the preset is the default for what is not given.
PRESETS = {
    "digits5": Preset((16,), "sigmoid", {"sigmoid": 0.5, "tanh": 0.1, "relu": 0.1}),
    "xor3": Preset((4,), "sigmoid", {"sigmoid": 0.5, "tanh": 0.3, "relu": 0.1}),
    "digits8": Preset((32,), "sigmoid", {"sigmoid": 0.2, "tanh": 0.05, "relu": 0.05}),
    "circle": Preset((4,), "tanh", {"sigmoid": 0.5, "tanh": 0.1, "relu": 0.1}),
    "xor": Preset((4,), "tanh", {"sigmoid": 0.5, "tanh": 0.1, "relu": 0.1}),
    "gauss": Preset((4,), "tanh", {"sigmoid": 0.5, "tanh": 0.1, "relu": 0.1}),
    # ReLU at 0.5 leaves most of its neurons dead here; at 0.03 it learns the spiral in 100k iterations
    # (tanh and sigmoid need about 400k)
    "spiral": Preset((16, 16), "relu", {"sigmoid": 0.5, "tanh": 0.03, "relu": 0.03}),
}
PRESET_KEYS = ("hidden", "activation", "lr")  # what a preset sets
CSV_PRESET = PRESETS["digits5"]  # a .csv file of your own has no preset of its own: the settings' defaults


def preset_for(dataset: str) -> Preset:
    """The preset of a built-in dataset; for a .csv file the settings' defaults (CSV_PRESET)."""
    return CSV_PRESET if is_csv(dataset) else PRESETS[dataset]


@dataclasses.dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # "int", "float", "bool", "choice", "dataset" (a choice or a .csv file), "subset", "layers",
    # "parts", "chord"
    default: Any
    help: str
    section: str = "train"
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    special: float | None = None  # a value outside lo..hi that means something of its own (e.g. "auto")

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def check(self, value: Any) -> Any:
        """Return `value` in canonical form, or raise GlnnError naming the setting."""
        where = f"setting '{self.name}'"
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise GlnnError(f"{where}: expected true or false, got {shown(value)}")
            return value
        if self.kind == "parts":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise GlnnError(f"{where}: expected a list of names from {', '.join(PANEL_PARTS)}, got {shown(value)}")
            unknown = [v for v in value if v not in PANEL_PARTS]
            if unknown:
                raise GlnnError(f"{where}: unknown part {unknown[0]!r}; choose from {', '.join(PANEL_PARTS)}")
            return tuple(dict.fromkeys(value))
        if self.kind == "chord":
            if not isinstance(value, str) or not value:
                raise GlnnError(f"{where}: expected a key chord such as 'ctrl+shift+q', got {shown(value)}")
            *mods, key = value.lower().split("+")
            if not mods or any(m not in MODIFIERS for m in mods) or len(key) != 1 or not key.isalnum():
                raise GlnnError(f"{where}: expected modifiers ({'/'.join(MODIFIERS)}) and one letter or digit, "
                                f"such as 'ctrl+shift+q', got {shown(value)}")
            return value.lower()
        if self.kind == "subset":  # one or more of the choices, each once, in the order declared
            if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
                raise GlnnError(f"{where}: expected a list of one or more of {', '.join(self.choices)}, "
                                f"got {shown(value)}")
            unknown = [v for v in value if v not in self.choices]
            if unknown:
                raise GlnnError(f"{where}: unknown {unknown[0]!r}; choose from {', '.join(self.choices)}")
            twice = [v for k, v in enumerate(value) if v in value[:k]]
            if twice:
                raise GlnnError(f"{where}: {twice[0]!r} is given twice")
            return tuple(c for c in self.choices if c in value)
        if self.kind == "dataset":
            if isinstance(value, str) and (value in self.choices or is_csv(value)):
                return value
            raise GlnnError(f"{where}: expected one of {', '.join(self.choices)}, or a file ending in {CSV_SUFFIX}, "
                            f"got {shown(value)}")
        if self.kind == "choice":
            if value not in self.choices:
                raise GlnnError(f"{where}: expected one of {', '.join(self.choices)}, got {shown(value)}")
            return value
        if self.kind == "layers":
            if isinstance(value, int) and not isinstance(value, bool):
                value = [value]
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                raise GlnnError(f"{where}: expected a list of up to {MAX_HIDDEN_LAYERS} whole numbers, "
                                f"or 0 for none, got {shown(value)}")
            if list(value) in ([], [0]):  # no hidden layer: the inputs feed the output directly
                return ()
            if 0 in value:
                raise GlnnError(f"{where}: 0 (no hidden layer) stands alone, got {shown(value)}")
            if len(value) > MAX_HIDDEN_LAYERS:
                raise GlnnError(f"{where}: at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(value)}")
            for v in value:
                if not 1 <= v <= MAX_HIDDEN_NEURONS:
                    raise GlnnError(f"{where}: each layer needs 1 to {MAX_HIDDEN_NEURONS} neurons, got {v}")
            return tuple(value)
        if self.kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise GlnnError(f"{where}: expected a whole number, got {shown(value)}")
        elif self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise GlnnError(f"{where}: expected a number, got {shown(value)}")
            value = float(value)
            if not math.isfinite(value):
                raise GlnnError(f"{where}: expected a finite number, got {shown(value)}")
        if self.special is not None and value == self.special:
            return value
        if self.lo is not None and value < self.lo or self.hi is not None and value > self.hi:
            bounds = f"{int(self.lo)}..{int(self.hi)}" if self.kind == "int" else f"{self.lo:g}..{self.hi:g}"
            if self.special is not None:
                bounds += f" (or {self.special:g})"
            raise GlnnError(f"{where}: {value} is outside {bounds}")
        return value

    def parse(self, text: str) -> Any:
        """Parse a command-line string, then check it."""
        try:
            if self.kind == "int":
                value: Any = int(text)
            elif self.kind == "float":
                value = float(text)
            elif self.kind == "layers":
                value = [int(part) for part in text.split(",")]
            elif self.kind in ("parts", "subset"):
                value = [part.strip() for part in text.split(",") if part.strip()]
            elif self.kind == "bool":
                lowered = text.lower()
                if lowered not in ("true", "false", "on", "off", "1", "0", "yes", "no"):
                    raise ValueError
                value = lowered in ("true", "on", "1", "yes")
            else:
                value = text
        except ValueError:
            raise GlnnError(f"cannot read {text!r} as {'a list of whole numbers' if self.kind == 'layers' else self.kind}") from None
        return self.check(value)


SETTINGS: tuple[Setting, ...] = (
    # -- the network and its training --------------------------------------------------------
    Setting("dataset", "dataset", "digits5", "training data: a built-in set, or your own .csv file (a header row, "
            "numeric feature columns, a last column 'label' of whole numbers)", choices=DATASETS),
    Setting("image_shape", "choice", "none", "draw a .csv file's feature columns as an image (25 columns: 5x5, "
            "64: 8x8); none: a point set (2 columns) or plain features", choices=IMAGE_SHAPES),
    # the next three default to the dataset's preset (PRESETS); these are digits5's
    Setting("hidden", "layers", PRESETS["digits5"].hidden, "hidden layer sizes, e.g. 16 or 16,16 (1-4 layers of 1-256); "
            "0: no hidden layer, the inputs feed the output (logistic regression)"),
    Setting("activation", "choice", PRESETS["digits5"].activation, "hidden-layer activation", choices=ACTIVATIONS),
    Setting("loss", "choice", "sse", "sse: sigmoid outputs, squared error to 0.99/0.0; xent: softmax, cross-entropy",
            choices=LOSSES),
    Setting("bias", "bool", True, "give every neuron a bias (off reproduces the 5x5 visualizer's network)"),
    Setting("lr", "float", PRESETS["digits5"].lr[PRESETS["digits5"].activation], "learning rate", lo=1e-4, hi=10.0),
    Setting("l2", "float", 0.0, "L2 regularisation rate (weight decay): each update also shrinks every weight "
            "by lr * l2 of itself; 0 = off", lo=0.0, hi=1.0),
    Setting("l1", "float", 0.0, "L1 regularisation rate: each update also moves every weight lr * l1 towards 0, "
            "stopping there, so unneeded weights become exactly 0; 0 = off", lo=0.0, hi=1.0),
    Setting("seed", "int", 1, "random seed for the initial weights", lo=0, hi=2**31 - 1),
    Setting("batch", "int", 1, "samples per weight update (1 = plain per-sample SGD)", lo=1, hi=256),
    Setting("shuffle", "bool", False, "visit the samples in a new random order each epoch instead of in turn"),
    Setting("noise", "float", 0.1, "scatter of the generated 2-D sets (circle, xor, gauss, spiral): "
            "0 = clean, 0.5 = very noisy", lo=0.0, hi=0.5),
    Setting("train_ratio", "float", 0.5, "share of a generated 2-D set used for training; the rest is the test set",
            lo=0.1, hi=0.9),
    Setting("features", "subset", DEFAULT_FEATURES, "the inputs computed from each point of a 2-D set, "
            "e.g. x1sq,x2sq", choices=FEATURES),
    Setting("on_diverge", "choice", "stop", "when the numbers blow up: stop training, or reset the weights",
            choices=("stop", "reset")),
    # -- what the window shows ---------------------------------------------------------------
    Setting("palette", "choice", "red-blue", "connection colours: positive/negative weights", section="view",
            choices=PALETTES),
    Setting("glow", "bool", True, "bloom around bright neurons and strong connections", section="view"),
    Setting("glow_strength", "float", 1.0, "how much things glow", section="view", lo=0.0, hi=3.0),
    Setting("speed", "int", 20, "training iterations per frame while playing (0 = as many as fit)",
            section="view", lo=0, hi=1_000_000),
    Setting("animation_speed", "float", 1.0, "pace of the step-through animation (Forward / Backprop buttons): "
            "0.5 = twice as slow, 2 = twice as fast", section="view", lo=0.1, hi=5.0),
    Setting("ui_scale", "float", 1.0, "size of the text and controls (0 = follow the screen's height: 36-pixel text "
            "at 1080 lines; a window too small for a size uses the largest that fits)", section="view", lo=0.5, hi=4.0,
            special=0.0),
    Setting("panel", "parts", PANEL_PARTS, "which parts of the panel to show, e.g. controls,figures,outputs",
            section="view"),
    Setting("tab", "choice", "train", "the panel tab open at the start", section="view", choices=TABS),
    Setting("quality", "choice", "auto", "auto: when frames get slow (a slow graphics card, a big network), draw "
            "less detail and answer input first, so that a click or a key shows within about 100 ms; full: always "
            "draw everything, however slow", section="view", choices=QUALITY_MODES),
    # -- exhibit mode ------------------------------------------------------------------------
    Setting("idle_timeout", "float", 60.0, "seconds without input before the attract demo starts (kiosk)",
            section="kiosk", lo=5.0, hi=86400.0),
    Setting("cursor_hide", "float", 3.0, "seconds without mouse movement before the cursor hides (kiosk)",
            section="kiosk", lo=0.5, hi=3600.0),
    Setting("quit_chord", "chord", "ctrl+shift+q", "the only keys that quit in kiosk mode", section="kiosk"),
    Setting("screen", "int", 0, "which screen to fill in kiosk mode (0 = the first)", section="kiosk", lo=0, hi=16),
)

BY_NAME = {s.name: s for s in SETTINGS}
TRAIN_KEYS = tuple(s.name for s in SETTINGS if s.section == "train")
SECTIONS = ("train", "view", "kiosk")


def is_csv(name: Any) -> bool:
    """A dataset setting that names a CSV file rather than a built-in set."""
    return isinstance(name, str) and len(name) > len(CSV_SUFFIX) and name.lower().endswith(CSV_SUFFIX)


def defaults(section: str | None = None) -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS if section is None or s.section == section}


# An unattended exhibit differs from a desk in these defaults (glnn --kiosk, and the config
# that --print-config writes): text that follows the screen's height (readable across a room on
# any screen: 36-pixel text at 1080 lines, 72 at 2160), no expert settings, recovery by itself.
KIOSK_DEFAULTS = {"ui_scale": 0.0, "panel": tuple(p for p in PANEL_PARTS if p != "settings"), "on_diverge": "reset"}


def with_preset(chosen: dict[str, Any]) -> dict[str, Any]:
    """Training settings `chosen` (flags, a config file), completed by its dataset's preset: the hidden
    layers, activation and learning rate not chosen come from the preset (the learning rate for the
    activation in use, chosen or not)."""
    preset = preset_for(chosen.get("dataset", BY_NAME["dataset"].default))
    return {**preset.settings(chosen.get("activation")), **chosen}


def preset_changes(current: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """The setting changes when a person chooses `value` for `name` in the panel: a dataset comes with
    its preset, an activation with its learning rate for the current dataset; anything else alone."""
    if name == "dataset":
        return {"dataset": value, **preset_for(BY_NAME["dataset"].check(value)).settings()}
    if name == "activation":
        activation = BY_NAME["activation"].check(value)
        return {"activation": activation, "lr": preset_for(current["dataset"]).lr[activation]}
    return {name: value}


def shown(value: Any) -> str:
    """A value as the person wrote it in TOML or on the command line (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def checked(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a partial mapping of settings; unknown names are an error."""
    out = {}
    for name, value in values.items():
        if name not in BY_NAME:
            raise GlnnError(f"unknown setting '{name}'")
        out[name] = BY_NAME[name].check(value)
    return out
