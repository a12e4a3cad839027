"""Step-through animation of one SGD iteration: the signal goes forward, the output is compared
with the target, the error flows back, and the weights change.

A pure state machine (numpy only: no GL, no imgui, no kernels), driven by a clock the caller
passes in, so that tests run it with a fake one. Everything it shows about the sample
(activations, target, error, every neuron's delta) is computed once, with numpy, when the
animation starts; each frame it only answers "what to show now" (`view()`): which weight layer
carries pulses and how far they have got, which neurons are lit, and the weights, blended from
the old to the new ones while the update plays. The one SGD iteration itself is done by the
caller's `apply_step` (the trainer), exactly once, when the animation reaches its update.

Phases, at speed 1 (a speed of 2 plays them in half the time):

    forward (one per weight layer) -> compare -> backward (one per weight layer, last first)
    -> update -> done

Mode "forward" holds at the end of compare until `resume()` (the panel's Backprop button);
mode "backprop" starts at the backward pass; mode "step" plays everything.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

FORWARD_SECONDS = 1.1  # one weight layer of the forward pass
COMPARE_SECONDS = 1.8  # outputs beside their targets
BACKWARD_SECONDS = 1.1  # one weight layer of the backward pass
UPDATE_SECONDS = 0.6  # the weights move from old to new
TRAVEL = 0.75  # share of a layer's time the pulses spend travelling; then the neurons they reach light up
MODES = ("forward", "backprop", "step")
MIN_SPEED, MAX_SPEED = 0.1, 5.0
_TINY_LOG = 1e-30  # as the kernels: a saturated output gives a large, finite loss


# -- the sample, forward and back, in numpy -----------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SamplePass:
    """One training sample through the network at fixed weights: what the animation shows about it."""
    index: int  # training sample, -1 if none
    label: int
    layers: tuple[np.ndarray, ...]  # activations, the input first
    target: np.ndarray  # what the outputs should be
    loss: float
    deltas: tuple[np.ndarray, ...]  # dLoss/dz of every layer; the input layer's are zero (it sums nothing)

    @property
    def errors(self) -> np.ndarray:
        """Output minus target, per output."""
        return self.layers[-1] - self.target


def _activate(kind: str, z: np.ndarray) -> np.ndarray:
    if kind == "sigmoid":
        return 1.0 / (1.0 + np.exp(-np.clip(z, -80.0, 80.0)))
    if kind == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _slope(kind: str, a: np.ndarray) -> np.ndarray:
    """d activation / dz in terms of the activation a."""
    if kind == "sigmoid":
        return a * (1.0 - a)
    if kind == "tanh":
        return 1.0 - a * a
    return (a > 0.0).astype(a.dtype)


def sample_pass(weights, biases, x, label: int, activation: str, loss: str, on_value: float,
                index: int = -1) -> SamplePass:
    """Forward and backward pass for one sample, in float64, by the same conventions as glnn.core.kernels:
    sigmoid outputs with squared error ("sse"), or softmax (a sigmoid for one output) with
    cross-entropy ("xent"). weights: per layer (n_in, n_out); biases: per layer, or None."""
    layers = [np.asarray(x, np.float64)]
    n = len(weights)
    for l, w in enumerate(weights):
        z = layers[-1] @ np.asarray(w, np.float64)
        if biases is not None:
            z = z + np.asarray(biases[l], np.float64)
        if l < n - 1:
            layers.append(_activate(activation, z))
        elif loss == "xent" and z.shape[0] > 1:
            e = np.exp(z - z.max())
            layers.append(e / e.sum())
        else:
            layers.append(_activate("sigmoid", z))
    y = layers[-1]
    target = np.zeros_like(y)
    if y.shape[0] == 1:
        target[0] = on_value if label == 1 else 0.0
    else:
        target[label] = on_value
    if loss == "sse":
        value = float(np.sum((y - target) ** 2))
        delta = 2.0 * (y - target) * y * (1.0 - y)
    else:
        value = float(-np.sum(target * np.log(np.maximum(y, _TINY_LOG))))
        if y.shape[0] == 1:
            value -= float(np.sum((1.0 - target) * np.log(np.maximum(1.0 - y, _TINY_LOG))))
        delta = y - target
    deltas = [delta]
    for l in range(n - 1, 0, -1):
        delta = (np.asarray(weights[l], np.float64) @ delta) * _slope(activation, layers[l])
        deltas.append(delta)
    deltas.append(np.zeros_like(layers[0]))
    return SamplePass(index, int(label), tuple(layers), target, value, tuple(reversed(deltas)))


def pulse_scales(weights, sample: SamplePass) -> tuple[np.ndarray, np.ndarray]:
    """Per weight layer, the strongest signal a connection carries forward (|w a|) and back (|w delta|):
    pulses are drawn relative to these, so that the strongest of each layer shows at full strength."""
    forward, backward = [], []
    for l, w in enumerate(weights):
        aw = np.abs(np.asarray(w, np.float64))
        forward.append(float((aw * np.abs(sample.layers[l])[:, None]).max(initial=0.0)))
        backward.append(float((aw * np.abs(sample.deltas[l + 1])[None, :]).max(initial=0.0)))
    return np.array(forward), np.array(backward)


# -- the timeline ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Segment:
    phase: str  # "forward", "compare", "backward" or "update"
    layer: int  # the weight layer carrying pulses (forward, backward), else -1
    start: float  # seconds from the animation's start, at speed 1
    duration: float

    @property
    def end(self) -> float:
        return self.start + self.duration


def timeline(n_weight_layers: int) -> tuple[Segment, ...]:
    parts = [("forward", l, FORWARD_SECONDS) for l in range(n_weight_layers)]
    parts.append(("compare", -1, COMPARE_SECONDS))
    parts += [("backward", l, BACKWARD_SECONDS) for l in range(n_weight_layers - 1, -1, -1)]
    parts.append(("update", -1, UPDATE_SECONDS))
    segments, start = [], 0.0
    for phase, layer, duration in parts:
        segments.append(Segment(phase, layer, start, duration))
        start += duration
    return tuple(segments)


def _smoothstep(lo: float, hi: float, t: float) -> float:
    u = min(max((t - lo) / (hi - lo), 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


# -- what one frame shows -------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class AnimationView:
    """What the animation shows this frame. Read by the renderer, the overlay and the panel."""
    phase: str  # "forward", "compare", "backward", "update" or "done"
    layer: int  # weight layer carrying pulses, -1 if none
    t: float  # 0..1 through the current phase segment
    waiting: bool  # held after compare until Backprop is pressed
    sample: SamplePass  # the sample at the old weights
    params: np.ndarray  # the weights to draw (old, blended, or new)
    activations: np.ndarray  # every neuron, as lit now: layers the signal has not reached are 0
    deltas: np.ndarray  # every neuron's delta, once the backward pass has reached it, else 0
    lit: np.ndarray  # (layers,) 0..1 how far each neuron layer is lit
    delta_known: np.ndarray  # (layers,) bool: the backward pass has reached this layer
    pulse_position: float  # how far along the carrying layer the pulses are (0 leaving .. 1 arriving)
    pulse_scale: float  # the carrying layer's strongest |w a| or |w delta|
    change: float  # 0..1 envelope of the weights-changing flash (update phase)
    change_scale: float  # the largest weight change of this step, |lr a delta|
    learning_rate: float
    loss_after: float | None  # the sample's loss at the new weights, once applied

    @property
    def backward(self) -> bool:
        return self.phase == "backward"

    @property
    def compared(self) -> bool:
        """Targets and errors are on show (from compare on)."""
        return self.phase in ("compare", "backward", "update", "done")


class StepAnimation:
    """One animated SGD iteration on one sample. Call advance(now) each frame, then view()."""

    def __init__(self, sample: SamplePass, params: np.ndarray, apply_step: Callable[[], tuple[np.ndarray, float]],
                 now: float, *, mode: str = "step", speed: float = 1.0, learning_rate: float = 0.0,
                 scales: tuple[np.ndarray, np.ndarray] | None = None):
        """apply_step() runs the SGD iteration and returns (new params, the sample's loss after it)."""
        if mode not in MODES:
            raise ValueError(f"unknown animation mode {mode!r}")
        self.sample = sample
        self.sizes = tuple(len(a) for a in sample.layers)
        self.segments = timeline(len(self.sizes) - 1)
        self._backward_start = next(s.start for s in self.segments if s.phase == "backward")
        self._update = self.segments[-1]
        self.total = self._update.end
        self.old_params = params.copy()
        self.old_params.flags.writeable = False  # views hand it out without a copy per frame
        self.new_params: np.ndarray | None = None
        self.loss_after: float | None = None
        self._apply_step = apply_step
        self.steps_applied = 0
        self.mode = mode
        self.holding = mode == "forward"
        self.progress = self._backward_start if mode == "backprop" else 0.0  # seconds at speed 1
        self.speed = 1.0
        self.set_speed(speed)
        self._last = now
        self.learning_rate = float(learning_rate)
        self._forward_scales, self._backward_scales = scales if scales is not None else (
            np.ones(len(self.sizes) - 1), np.ones(len(self.sizes) - 1))
        self.change_scale = float(self.learning_rate * max(
            (np.abs(sample.layers[l]).max(initial=0.0) * np.abs(sample.deltas[l + 1]).max(initial=0.0)
             for l in range(len(self.sizes) - 1)), default=0.0))
        self._flat_acts = np.concatenate(sample.layers).astype(np.float32)
        self._flat_deltas = np.concatenate(sample.deltas).astype(np.float32)
        self._starts = np.concatenate([[0], np.cumsum(self.sizes)])

    # -- driving -----------------------------------------------------------------------------
    def set_speed(self, speed: float) -> None:
        self.speed = float(min(max(speed, MIN_SPEED), MAX_SPEED))

    def advance(self, now: float) -> None:
        """Move on by the time passed since the last call, times the speed; apply the step on reaching it."""
        dt = max(0.0, now - self._last)
        self._last = now
        limit = self._backward_start if self.holding else self.total
        self.progress = min(max(self.progress, 0.0) + dt * self.speed, max(limit, self.progress))
        if self.steps_applied == 0 and self.progress >= self._update.start:
            self.new_params, self.loss_after = self._apply_step()
            self.new_params = np.array(self.new_params, np.float32)
            self.new_params.flags.writeable = False
            self.steps_applied = 1

    def resume(self, now: float) -> None:
        """Go on from the comparison into the backward pass (the Backprop button after Forward)."""
        self.holding = False
        self.mode = "step"
        self._last = now

    @property
    def waiting(self) -> bool:
        return self.holding and self.progress >= self._backward_start

    @property
    def done(self) -> bool:
        return self.progress >= self.total

    def segment(self) -> tuple[Segment | None, float]:
        """The current segment and the fraction of it played; (None, 1.0) when done."""
        if self.done:
            return None, 1.0
        for s in self.segments:
            if self.progress < s.end or (self.waiting and s.phase == "compare"):
                return s, min(max((self.progress - s.start) / s.duration, 0.0), 1.0)
        return None, 1.0

    # -- showing -----------------------------------------------------------------------------
    def view(self) -> AnimationView:
        seg, t = self.segment()
        phase = seg.phase if seg else "done"
        layer = seg.layer if seg else -1
        n_layers = len(self.sizes)
        lit = np.ones(n_layers)
        if phase == "forward":
            lit[layer + 1:] = 0.0
            lit[layer + 1] = _smoothstep(TRAVEL * 0.8, 1.0, t)  # neurons light up as their sum arrives
        known = np.zeros(n_layers, bool)
        if phase == "backward":
            known[layer + 1:] = True
            known[layer] = layer > 0 and t >= TRAVEL
        elif phase in ("update", "done"):
            known[1:] = True
        acts = np.empty_like(self._flat_acts)  # a few hundred floats: new ones each frame
        deltas = np.empty_like(self._flat_deltas)
        for l in range(n_layers):  # per layer, not per neuron: a few slice writes a frame
            lo, hi = self._starts[l], self._starts[l + 1]
            np.multiply(self._flat_acts[lo:hi], lit[l], out=acts[lo:hi])
            deltas[lo:hi] = self._flat_deltas[lo:hi] if known[l] else 0.0
        params = self.old_params
        change = 0.0
        if phase == "update" and self.new_params is not None:
            blend = _smoothstep(0.0, 1.0, t)
            params = self.new_params - self.old_params  # only the few frames of the update
            params *= np.float32(blend)
            params += self.old_params
            change = float(np.sin(np.pi * min(t * 1.25, 1.0)))  # flash up, then fade as the weights settle
        elif phase == "done" and self.new_params is not None:
            params = self.new_params
        scale = 1.0
        if phase == "forward":
            scale = float(self._forward_scales[layer])
        elif phase == "backward":
            scale = float(self._backward_scales[layer])
        return AnimationView(
            phase=phase, layer=layer, t=t, waiting=self.waiting, sample=self.sample,
            params=params, activations=acts, deltas=deltas, lit=lit, delta_known=known,
            pulse_position=min(t / TRAVEL, 1.0 / TRAVEL) if phase in ("forward", "backward") else 0.0,
            pulse_scale=scale, change=change, change_scale=self.change_scale,
            learning_rate=self.learning_rate, loss_after=self.loss_after)


# -- building one from a trainer ------------------------------------------------------------------
def start(trainer, index: int, mode: str, now: float, speed: float = 1.0) -> StepAnimation:
    """An animation of one SGD iteration of `trainer` on its training sample `index`.

    The sample is fed forward at the current weights; when the animation reaches its update it
    calls trainer.train_sample(index) (one iteration on this very sample) once.
    """
    net, arch, ds = trainer.net, trainer.arch, trainer.dataset
    weights = [net.weights(l) for l in range(arch.n_layers)]
    biases = [net.biases(l) for l in range(arch.n_layers)] if arch.bias else None
    sample = sample_pass(weights, biases, ds.x_train[index], int(ds.y_train[index]), arch.activation, arch.loss,
                         float(trainer.on_value), index)

    def apply_step() -> tuple[np.ndarray, float]:
        trainer.train_sample(index)
        w = [trainer.net.weights(l) for l in range(arch.n_layers)]
        b = [trainer.net.biases(l) for l in range(arch.n_layers)] if arch.bias else None
        after = sample_pass(w, b, ds.x_train[index], int(ds.y_train[index]), arch.activation, arch.loss,
                            float(trainer.on_value), index)
        return trainer.net.params.copy(), after.loss

    return StepAnimation(sample, net.params, apply_step, now, mode=mode, speed=speed,
                         learning_rate=float(trainer.settings["lr"]), scales=pulse_scales(weights, sample))
