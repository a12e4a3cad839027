"""The exhibit config file (TOML): settings, caption texts and the attract demo's script.

Settings are validated against their one declaration in glnn.core.settings; anything wrong is
reported in one line naming the key (e.g. "exhibit.toml: view.glow_strength: ...").
"""
from __future__ import annotations

import dataclasses
import string
import sys
from pathlib import Path
from typing import Any

from glnn.core import settings
from glnn.core.errors import GlnnError, reading

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ACTIONS = ("reset", "train", "feed", "draw", "dataset", "pause")
CAPTION_FIELDS = ("digit", "guess", "dataset", "iterations", "accuracy")

# Every text a visitor reads during the demo, by name: translate these.
DEFAULT_CAPTIONS = {
    "hint": "Touch the screen to take over",
    "reset": "A brand-new network: its connections are random, so its answers are noise",
    "train_slow": "Learning, one picture at a time: every step nudges every connection a little",
    "train_fast": "Faster! Red lines excite, blue lines inhibit; thick lines are strong",
    "feed": "Showing it a {digit}. It answers {guess}",
    "draw": "A digit it has never seen. It answers {guess}",
    "dataset": "A new task: {dataset}",
    "trained": "After {iterations} steps it gets {accuracy} of its pictures right",
}


# The "hint" caption takes the caption line for the last HINT_SECONDS of every HINT_PERIOD of the demo
# (one line is all a caption has), and all of a step that has no caption of its own.
HINT_PERIOD, HINT_SECONDS = 10.0, 3.0


@dataclasses.dataclass(frozen=True)
class Step:
    action: str
    seconds: float
    caption: str = ""  # a key of the captions table, or "" for none
    speed: int = 1  # iterations per frame at the start of a train step
    speed_end: int = 1  # ... and at its end (log-interpolated in between)
    dataset: str = ""  # for the dataset action


DEFAULT_SCRIPT = (
    Step("reset", 4.0, "reset"),
    Step("train", 10.0, "train_slow", speed=1, speed_end=8),
    Step("train", 12.0, "train_fast", speed=8, speed_end=2000),
    Step("pause", 4.0, "trained"),
    Step("feed", 15.0, "feed"),
    Step("draw", 5.0, "draw"),
    Step("dataset", 3.0, "dataset", dataset="xor3"),
    Step("train", 12.0, "train_fast", speed=2, speed_end=500),
    Step("dataset", 1.0, "", dataset="digits5"),
)

_STEP_FIELDS = {f.name: f for f in dataclasses.fields(Step)}


@dataclasses.dataclass
class Exhibit:
    settings: dict[str, Any]  # flat: setting name -> value (only those the file gives)
    captions: dict[str, str]
    script: tuple[Step, ...]


def defaults() -> Exhibit:
    return Exhibit({}, dict(DEFAULT_CAPTIONS), DEFAULT_SCRIPT)


def _check_caption(where: str, text: Any) -> str:
    if not isinstance(text, str):
        raise GlnnError(f"{where}: expected text, got {text!r}")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as e:
        raise GlnnError(f"{where}: {e} (write {{{{ and }}}} for literal braces)") from None
    unknown = fields - set(CAPTION_FIELDS)
    if unknown:
        raise GlnnError(f"{where}: unknown field {{{sorted(unknown)[0]}}}; "
                        f"captions may use {', '.join('{' + f + '}' for f in CAPTION_FIELDS)}")
    return text


def _check_step(where: str, table: Any, captions: dict[str, str]) -> Step:
    if not isinstance(table, dict):
        raise GlnnError(f"{where}: expected a table with an action")
    for key in table:
        if key not in _STEP_FIELDS:
            raise GlnnError(f"{where}.{key}: unknown key; a step has {', '.join(_STEP_FIELDS)}")
    action = table.get("action")
    if action not in ACTIONS:
        raise GlnnError(f"{where}.action: expected one of {', '.join(ACTIONS)}, got {action!r}")
    seconds = table.get("seconds", 5.0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0.1 <= seconds <= 3600:
        raise GlnnError(f"{where}.seconds: expected a number of seconds from 0.1 to 3600, got {seconds!r}")
    values: dict[str, Any] = {"action": action, "seconds": float(seconds)}
    caption = table.get("caption", "")
    if not isinstance(caption, str) or (caption and caption not in captions):
        raise GlnnError(f"{where}.caption: expected the name of a caption in [captions] "
                        f"({', '.join(sorted(captions))}), got {caption!r}")
    values["caption"] = caption
    for key in ("speed", "speed_end"):
        if key in table:
            v = table[key]
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 1_000_000:
                raise GlnnError(f"{where}.{key}: expected iterations per frame from 1 to 1000000, got {v!r}")
            values[key] = v
    if action == "train":
        values.setdefault("speed", 1)
        values.setdefault("speed_end", values["speed"])
    if "dataset" in table or action == "dataset":
        values["dataset"] = settings.BY_NAME["dataset"].check(table.get("dataset"))
    return Step(**values)


def parse(data: dict[str, Any], name: str = "config") -> Exhibit:
    """Validate a parsed TOML document. Errors name the file and the key."""
    try:
        return _parse(data)
    except GlnnError as e:
        raise GlnnError(f"{name}: {e}") from None


def _parse(data: dict[str, Any]) -> Exhibit:
    given: dict[str, Any] = {}
    captions = dict(DEFAULT_CAPTIONS)
    script = DEFAULT_SCRIPT
    for section, body in data.items():
        if section in settings.SECTIONS:
            if not isinstance(body, dict):
                raise GlnnError(f"{section}: expected a table [{section}]")
            for key, value in body.items():
                setting = settings.BY_NAME.get(key)
                if setting is None or setting.section != section:
                    raise GlnnError(f"{section}.{key}: unknown setting in [{section}]")
                try:
                    given[key] = setting.check(value)
                except GlnnError as e:
                    raise GlnnError(f"{section}.{key}: {str(e).split(': ', 1)[-1]}") from None
        elif section == "captions":
            if not isinstance(body, dict):
                raise GlnnError("captions: expected a table [captions]")
            for key, value in body.items():
                captions[key] = _check_caption(f"captions.{key}", value)
        elif section != "attract":
            raise GlnnError(f"{section}: unknown section; expected {', '.join(settings.SECTIONS)}, captions, attract")
    if "attract" in data:
        steps = data["attract"]
        if not isinstance(steps, list) or not steps:
            raise GlnnError("attract: expected one or more [[attract]] steps")
        script = tuple(_check_step(f"attract[{k + 1}]", table, captions) for k, table in enumerate(steps))
    return Exhibit(given, captions, script)


def load(path: str | Path) -> Exhibit:
    path = Path(path)
    try:
        with reading(path), path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise GlnnError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise GlnnError(f"{path}: not a text file") from None
    except tomllib.TOMLDecodeError as e:
        raise GlnnError(f"{path}: not valid TOML: {e}") from None
    exhibit = parse(data, str(path))
    return _csv_beside(exhibit, path.parent)


def _csv_beside(exhibit: Exhibit, folder: Path) -> Exhibit:
    """A relative .csv dataset in a config file means the file beside the config, wherever glnn starts."""
    def beside(name: str) -> str:
        return str(folder / name) if settings.is_csv(name) and not Path(name).is_absolute() else name
    if "dataset" in exhibit.settings:
        exhibit.settings["dataset"] = beside(exhibit.settings["dataset"])
    script = tuple(dataclasses.replace(step, dataset=beside(step.dataset)) if step.dataset else step
                   for step in exhibit.script)
    return dataclasses.replace(exhibit, script=script)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def default_text() -> str:
    """A complete, commented exhibit config with every default: `glnn --print-config`."""
    lines = ["# glnn exhibit config. Start with: glnn --kiosk --config exhibit.toml",
             "# Every key is optional; a missing key keeps its default. Values are checked at start:",
             "# a mistake stops glnn with a one-line message naming the key.", ""]
    for section in settings.SECTIONS:
        lines.append(f"[{section}]")
        for s in settings.SETTINGS:
            if s.section != section:
                continue
            extra = ""
            if s.kind == "subset":
                extra = f" (one or more of: {', '.join(s.choices)})"
            elif s.choices:
                extra = f" ({' | '.join(s.choices)}{' | a file.csv' if s.kind == 'dataset' else ''})"
            elif s.lo is not None:
                extra = f" ({int(s.lo)} to {int(s.hi)})" if s.kind == "int" else f" ({s.lo:g} to {s.hi:g})"
                if s.special is not None:
                    extra = f"{extra[:-1]}, or {s.special:g})"
            elif s.kind == "parts":
                extra = f" (any of: {', '.join(settings.PANEL_PARTS)})"
            lines.append(f"# {s.help}{extra}")
            value = settings.KIOSK_DEFAULTS.get(s.name, s.default)
            if s.name in settings.KIOSK_DEFAULTS:
                lines.append(f"# (on an exhibit; the desktop default is {_toml_value(s.default)})")
            if s.name in settings.PRESET_KEYS:  # left out, it follows the dataset chosen: a network that learns
                lines.append(f"# (left out: the dataset's preset; {settings.BY_NAME['dataset'].default}'s is this)")
                lines.append(f"# {s.name} = {_toml_value(value)}")
                continue
            lines.append(f"{s.name} = {_toml_value(value)}")
        lines.append("")
    lines.append("# What the visitor reads during the attract demo. Translate freely; these fields are")
    lines.append(f"# filled in: {', '.join('{' + f + '}' for f in CAPTION_FIELDS)}. The hint takes the caption line for")
    lines.append(f"# {HINT_SECONDS:g} of every {HINT_PERIOD:g} seconds of the demo, and all of a step without a caption; "
                 '"" shows none.')
    lines.append("[captions]")
    for key, text in DEFAULT_CAPTIONS.items():
        lines.append(f"{key} = {_toml_value(text)}")
    lines.append("")
    lines.append("# The attract demo, played in a loop after idle_timeout seconds without input.")
    lines.append(f"# action: {' | '.join(ACTIONS)}; seconds: how long; caption: a name from [captions];")
    lines.append("# train steps: speed and speed_end in iterations per frame; dataset steps: dataset.")
    for step in DEFAULT_SCRIPT:
        lines.append("[[attract]]")
        lines.append(f"action = {_toml_value(step.action)}")
        lines.append(f"seconds = {step.seconds:g}")
        if step.caption:
            lines.append(f"caption = {_toml_value(step.caption)}")
        if step.action == "train":
            lines.append(f"speed = {step.speed}")
            lines.append(f"speed_end = {step.speed_end}")
        if step.action == "dataset":
            lines.append(f"dataset = {_toml_value(step.dataset)}")
        lines.append("")
    return "\n".join(lines)
