"""The Help window: what the picture means, in a visitor's words, for the dataset on screen.

The words are built by plain functions (sections, keys) from the dataset, the mode and the parts of
the panel shown, so that Help never talks about digits on a spiral, nor lists keys a kiosk ignores,
nor points to a tab that is not there; draw() only lays them out, every line wrapped in the window.
"""
from __future__ import annotations

from imgui_bundle import imgui, imgui_ctx

TITLE = "Help: what am I looking at?"
HEADING = (0.5, 0.8, 1.0, 1.0)

# (key, what it does, obeyed in kiosk mode): a kiosk stays full screen and open (glnn/app.py on_key_press)
KEYS = (
    ("Space", "play / pause training", True),
    ("S", "one training step", True),
    ("R", "reset: new random weights", True),
    ("<- ->", "step back / forward through the timeline", True),
    ("Ctrl+Z", "take back the last example or point you added", True),
    ("F", "full screen on / off", False),
    ("H", "hide / show the panel", True),
    ("Esc", "leave full screen, or quit", False),
)

# the words for each palette's (positive, negative) colour, as glnn.view.palette.PALETTES draws them
COLOUR_WORDS = {"red-blue": ("red", "blue"), "green-red": ("green", "red")}
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve")
STRIP_MAX = 20  # the training images are shown as a clickable strip up to this many (glnn/ui/overlay.py)


def keys(kiosk: bool) -> list[tuple[str, str]]:
    """The keys Help lists: in a kiosk only those it obeys."""
    return [(key, what) for key, what, in_kiosk in KEYS if in_kiosk or not kiosk]


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else f"{n:,}"


def kind(dataset) -> str:
    """What one sample is, to a visitor: a picture, a point of the plane, or a pattern of values."""
    if dataset.image_shape is not None:
        return "picture"
    return "point" if dataset.has_plane else "pattern"


def sections(dataset, kiosk: bool, parts, palette: str = "red-blue",
             click_adds: bool = True) -> list[tuple[str, tuple, tuple]]:
    """Help's text: (heading, paragraphs, bullets) per section, for this dataset, mode and panel;
    `click_adds`: a click on the decision map adds a point (AppState.click_adds) rather than showing the answer."""
    item = kind(dataset)
    items = item + "s"
    positive, negative = COLOUR_WORDS.get(palette, ("positive colour", "negative colour"))
    click = "Touch" if kiosk else "Click"
    out = [("What you are looking at", (_what(dataset, item), _weights(positive, negative, item)), ())]
    out.append(("How it learns", (
        f"At the start the weights are random, so the answers are noise. Each training step shows the network "
        f"one {item}, compares its answer with the right one, and nudges every weight a little in the direction "
        "that makes the error smaller (backpropagation and gradient descent). The loss is the size of that "
        "error: watch it fall fast, then level off. Accuracy is the share of the "
        f"{_number(len(dataset.y_train))} training {items} it gets right.",), ()))
    out.append(("Things to try", (), tuple(_things_to_try(dataset, item, click, set(parts), click_adds))))
    last = _generalising(dataset, item)
    if last is not None:
        out.append(last)
    return out


def _what(dataset, item: str) -> str:
    n_in = dataset.n_inputs
    if item == "picture":
        rows, cols = dataset.image_shape
        return (f"Each circle is a neuron. The column on the left holds the input: one neuron per pixel of a "
                f"{rows}x{cols} picture, bright for ink and dark for paper. The network passes the picture to the "
                f"right, and the {_number(dataset.n_outputs)} neurons of the last column say which digit it thinks "
                "it sees: the brightest one wins (it has a gold ring).")
    if item == "point":
        features = tuple(dataset.input_features)
        inputs = ("The two on the left are the input: the coordinates of a point, x1 (across) and x2 (up)."
                  if features == ("x1", "x2") else
                  f"The {_number(len(features))} on the left are the input: features computed from a point (x1 "
                  f"across, x2 up) of the plane, each named above its picture.")
        return ("Each circle is a neuron. " + inputs + " The one on the right is the network's answer: near 1 for class 1, near 0 "
                "for class 0. The square on the right, the decision map, paints that answer over the whole "
                "plane, with the training points on it as discs and the test points as rings, each in its "
                "class's colour; the light line is where the answer crosses 0.5. The small picture beside each "
                "neuron shows what that neuron does over the same plane.")
    if dataset.name == "xor3":
        return ("Each circle is a neuron. The three on the left are the input: a pattern of three bits, 0 or 1. "
                "The one on the right is the network's answer, near 1 or near 0. The right answer is 1 when the "
                "first two bits differ and 0 when they are equal; the third bit is noise that the network has to "
                "learn to ignore.")
    return (f"Each circle is a neuron. The {_number(n_in)} on the left are the input: a pattern of "
            f"{_number(n_in)} values. The one on the right is the network's answer, near 1 or near 0.")


def _weights(positive: str, negative: str, item: str) -> str:
    return (f"The lines are the weights. A {positive} line is positive: it excites the neuron it leads to. A "
            f"{negative} line is negative: it holds it back. Thick, solid lines are strong weights; thin, faint "
            f"ones are weak. Lines that carry a strong signal for the current {item} glow.")


def _things_to_try(dataset, item: str, click: str, parts: set, click_adds: bool = True) -> list[str]:
    tips = []
    if "controls" in parts:
        tips.append("Press Play and watch the lines change colour and thickness.")
    if "sliders" in parts:
        tips.append("Move the learning rate: small learns slowly, large learns fast but can overshoot.")
        tips.append({
            "picture": "Change the number of hidden neurons: with very few, some digits get confused.",
            "point": "Change the number of hidden neurons: with too few, the boundary cannot bend round the data.",
            "pattern": "Set the hidden neurons to 1: one neuron cannot learn XOR; with 2 or more it can."
            if dataset.name == "xor3" else "Change the number of hidden neurons and train again.",
        }[item])
    if "controls" in parts:
        tips.append(f"Press Animate step to watch one {item} go forward through the network, its error come "
                    "back, and the weights move.")
    if item == "picture" and len(dataset.y_train) <= STRIP_MAX:
        tips.append(f"{click} a training picture at the bottom to see how the network answers it.")
    if item == "picture" and "draw" in parts:
        strip = " (marked in the strip at the bottom)" if len(dataset.y_train) <= STRIP_MAX else ""
        tips.append("Open the Draw tab and draw your own digit. If the network gets it wrong, press \"this is a ...\" "
                    f"with the right digit: your drawing joins the training pictures{strip}, and in a moment the "
                    "network answers it right. \"Forget mine\" takes yours out again.")
    if item == "point" and click_adds:
        other = "" if click == "Touch" else " (shift-click adds the other class)"
        where = "; the Data tab chooses the class, or makes a click show the answer instead" \
            if "draw" in parts else ""
        tips.append(f"{click} the decision map to add a training point of your own there{other} and watch the "
                    f"boundary bend to it: your points are squares{where}. Ctrl+Z takes the last one back"
                    + (", and hovering the map shows the network's answer." if click == "Click" else "."))
    elif item == "point":
        tips.append(f"{click} the decision map to feed that point through the network"
                    + (": hovering it shows the answer there." if click == "Click" else "."))
    if item == "point":
        tips.append("Watch the small pictures beside the hidden neurons: each draws a boundary of its own, and "
                    "the next layer combines them.")
        if "data" in parts:
            tips.append("In the Data tab add noise, or feed the network x1 squared and x2 squared instead of x1 and "
                        "x2: with those even no hidden neurons at all (hidden neurons: none) can draw the circle.")
        if "space" in parts:
            tips.append(f"Open the Space tab: watch a hidden layer bend the plane until the two colours come apart. "
                        f"{click} hidden neurons in the picture to choose which two it shows.")
        if "settings" in parts:
            tips.append("In the Settings tab, try another dataset (circle, xor, gauss, spiral), add a hidden "
                        "layer or choose tanh: a spiral needs more than a circle.")
    if "timeline" in parts:
        tips.append("Drag the timeline back to see the network as it was earlier.")
    if "results" in parts:
        if item == "picture":
            tips.append("Open the Results tab: the gap between training and test accuracy is overfitting, and the "
                        f"matrix shows which digits it mixes up. {click} a wrong picture to see how it answers it.")
        else:
            tips.append(f"Open the Results tab: the gap between training and test accuracy is overfitting, and the "
                        f"{item}s it gets wrong are listed.")
    return tips


def _generalising(dataset, item: str) -> tuple[str, tuple, tuple] | None:
    """The last section: what the test set is, for this dataset."""
    if not dataset.has_test:
        return None
    n_train, n_test = len(dataset.y_train), len(dataset.y_test)
    if item == "picture" and n_train <= STRIP_MAX:
        return ("Why your drawing may fool it", (
            f"The network only ever saw {_number(n_train)} pictures, always the same ones. It has learned them by "
            "heart (overfitting), not what a digit looks like in general, so a drawing that differs by one pixel "
            "can get a wrong answer. The test accuracy measures exactly this, on shifted and altered copies. Teach "
            "it your drawing and it learns that one, which is not the same as learning what a digit looks like.",), ())
    if item == "picture":
        return ("Pictures it has never seen", (
            f"It learns from {n_train:,} handwritten digits and is tested on {n_test:,} others that it never "
            "trains on: the test accuracy says how well it reads handwriting it does not know.",), ())
    if item == "point":
        return ("Training and test points", (
            f"The {n_train:,} discs{' and squares' if dataset.added else ''} train the network; the {n_test:,} rings "
            "it never trains on. The test accuracy "
            "counts the rings on the right side of the boundary: a boundary that bends round every training "
            "point can miss them (overfitting).",), ())
    if dataset.name == "xor3":
        pattern = "[" + ", ".join(f"{v:g}" for v in dataset.x_test[0]) + "]"
        return ("The new pattern", (
            f"Training shows it {_number(n_train)} of the eight possible patterns. The eighth, {pattern}, is the "
            f"test: the right answer is {dataset.class_names[dataset.y_test[0]]} (the first two bits are equal). "
            "So the test accuracy is 100% or 0%: right or wrong on that one pattern.",), ())
    return None


def draw(state, dataset) -> bool:
    """Returns whether the window stays open."""
    scale = state.ui_scale
    viewport = imgui.get_main_viewport()
    screen = viewport.size
    imgui.set_next_window_size(imgui.ImVec2(min(640 * scale, 0.9 * screen.x), min(600 * scale, 0.9 * screen.y)),
                               imgui.Cond_.first_use_ever)
    imgui.set_next_window_pos(viewport.get_center(), imgui.Cond_.first_use_ever, imgui.ImVec2(0.5, 0.5))
    imgui.set_next_window_size_constraints(imgui.ImVec2(200, 120), imgui.ImVec2(screen.x, screen.y))
    imgui.set_next_window_bg_alpha(0.97)  # the panel's text must not show through
    with imgui_ctx.begin(TITLE, True) as window:
        for heading, paragraphs, bullets in sections(dataset, state.kiosk, state.panel, state.palette, state.click_adds):
            imgui.text_colored(imgui.ImVec4(*HEADING), heading)
            for paragraph in paragraphs:
                imgui.text_wrapped(paragraph)
            for bullet in bullets:
                imgui.bullet()  # keeps the cursor on its line: the text starts beside it
                imgui.text_wrapped(bullet)  # wrapped lines start under its first word
            imgui.spacing()
        imgui.separator()
        imgui.text_colored(imgui.ImVec4(*HEADING), "Keys")
        style = imgui.get_style()  # the descriptions line up right of the widest key
        key_w = imgui.get_cursor_pos_x() + max(imgui.calc_text_size(k).x for k, _, _ in KEYS) + 3 * style.item_spacing.x
        for key, what in keys(state.kiosk):
            imgui.text(key)
            imgui.same_line(key_w)
            imgui.text_wrapped(what)
    return bool(window.opened)
