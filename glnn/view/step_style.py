"""The step-through animation's side of the scene: a few uniforms for the connections pass.

The pulses and the weights-changing flash are drawn by the connections shader in its one
instanced draw; per frame this module only turns the animation's view (glnn.core.step)
into the Style fields that feed those uniforms. No per-connection work in Python.
"""
from __future__ import annotations

import dataclasses

from glnn.view.scene import Style

# HDR colours (above 1 they bloom): the forward signal warm white-gold, the error flowing back
# violet, apart from every palette's weight colours
FORWARD_PULSE = (2.4, 1.8, 0.55)
BACKWARD_PULSE = (1.7, 0.75, 2.9)


def _dimmed(colour, converging: int) -> tuple:
    """Many pulses meeting at each neuron would add up to a white wall: dim them by how many meet."""
    gain = min(1.0, max(0.25, 2.0 / converging ** 0.5))
    return tuple(c * gain for c in colour)


def styled(style: Style, view, layout) -> Style:
    """`style` with the pulse and flash uniforms of this frame of the animation."""
    if view is None or view.phase == "done":
        return style
    fields = {"change": view.change, "change_scale": view.change_scale, "learning_rate": view.learning_rate}
    if view.lit[-1] < 0.5:  # the answer is not known before the signal gets there
        fields["marked_neuron"] = -1
    if view.phase in ("forward", "backward") and 0 <= view.layer < len(layout.link_start) - 1:
        fields.update(pulse_links=(int(layout.link_start[view.layer]), int(layout.link_start[view.layer + 1])),
                      pulse_position=float(view.pulse_position), pulse_backward=view.backward,
                      pulse_scale=float(view.pulse_scale),
                      pulse_color=_dimmed(BACKWARD_PULSE if view.backward else FORWARD_PULSE,
                                          layout.sizes[view.layer + 1 if view.backward else view.layer]))
    return dataclasses.replace(style, **fields)
