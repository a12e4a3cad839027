"""The Help window: what the picture means, in a visitor's words."""
from __future__ import annotations

from imgui_bundle import imgui, imgui_ctx

KEYS = (
    ("Space", "play / pause training"),
    ("S", "one training step"),
    ("R", "reset: new random weights"),
    ("<- ->", "step back / forward through the timeline"),
    ("Ctrl+Z", "take back the last example or point you added"),
    ("F", "full screen on / off"),
    ("H", "hide / show the panel"),
    ("Esc", "leave full screen, or quit"),
)

TEXT = """\
What you are looking at
Each circle is a neuron. The column on the left holds the input: one neuron per pixel of the
picture, bright for ink and dark for paper. The network passes the picture to the right, and the
ten neurons of the last column say which digit it thinks it sees: the brightest one wins (it has
a gold ring).

The lines are the weights. A red line is positive: it excites the neuron it leads to. A blue line
is negative: it holds it back. (The other palette uses green and red.) Thick, solid lines are
strong weights; thin, faint ones are weak. Lines that carry a strong signal for the current
picture glow.

How it learns
At the start the weights are random, so the answers are noise. Each training step shows the
network one picture, compares its answer with the right one, and nudges every weight a little in
the direction that makes the error smaller (backpropagation and gradient descent). The loss is the
size of that error: watch it fall fast, then level off. Accuracy is the share of the ten training
pictures it gets right.

Things to try
- Press Play and watch the lines change colour and thickness.
- Move the learning rate: small learns slowly, large learns fast but can overshoot.
- Change the number of hidden neurons: with very few, some digits get confused.
- Click a training picture at the bottom to see how the network answers it.
- Open the Draw tab and draw your own digit. If the network gets it wrong, press "this is a ..."
  with the right digit: your drawing joins the training pictures (marked in the strip at the
  bottom), and in a moment the network answers it right. "Forget mine" takes yours out again.
- On a dataset of points (circle, xor, gauss, spiral), click on the map to add a point of your
  own (shift-click adds the other class; the Draw tab chooses the class, or makes a click show
  the network's answer there instead) and watch the map bend to it.
- Open the Results tab: the gap between training and test accuracy is overfitting, and the
  matrix shows which digits it mixes up. Click a wrong picture to see how it answers it.

Why your drawing may fool it
The network only ever saw ten pictures, always the same ones. It has learned them by heart
(overfitting), not what a digit looks like in general, so a drawing that differs by one pixel can
get a wrong answer. The test accuracy measures exactly this, on shifted and altered copies. Teach it
your drawing and it learns that one, which is not the same as learning what a digit looks like."""


def draw(state) -> bool:
    """Returns whether the window stays open."""
    scale = state.ui_scale
    imgui.set_next_window_size(imgui.ImVec2(620 * scale, 560 * scale), imgui.Cond_.first_use_ever)
    centre = imgui.get_main_viewport().get_center()
    imgui.set_next_window_pos(centre, imgui.Cond_.first_use_ever, imgui.ImVec2(0.5, 0.5))
    imgui.set_next_window_bg_alpha(0.97)  # the panel's text must not show through
    with imgui_ctx.begin("Help: what am I looking at?", True) as window:
        for paragraph in TEXT.split("\n\n"):
            lines = paragraph.split("\n")
            if len(lines) > 1 and not lines[0].startswith("-") and len(lines[0]) < 40:
                imgui.text_colored(imgui.ImVec4(0.5, 0.8, 1.0, 1.0), lines[0])
                lines = lines[1:]
            prose = " ".join(line for line in lines if not line.startswith("-"))
            if prose:  # a heading followed only by bullets has none
                imgui.text_wrapped(prose)
            for line in lines:
                if line.startswith("-"):
                    imgui.bullet_text(line[2:])
            imgui.spacing()
        imgui.separator()
        imgui.text_colored(imgui.ImVec4(0.5, 0.8, 1.0, 1.0), "Keys")
        for key, what in KEYS:
            imgui.text(f"{key:<6}")
            imgui.same_line(90)
            imgui.text(what)
    return bool(window.opened)
