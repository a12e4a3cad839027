"""The trainer owns a network and its dataset and runs the kernels on them.

It is the only writer of the parameters. Callers ask it for a number of iterations
(`steps`) or a time budget (`run`), read `metrics()`, `history` and `forward(x)`, and
change settings through `update(**settings)`. It imports neither pyglet nor imgui.
"""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np

from glnn.core import data, kernels, specialise
from glnn.core import model as model_io
from glnn.core.errors import GlnnError
from glnn.core.history import History
from glnn.core.settings import BY_NAME, checked, defaults
from glnn.core.model import Architecture, Network
from glnn.core.timeline import Timeline

_ACT = {"sigmoid": kernels.ACT_SIGMOID, "tanh": kernels.ACT_TANH, "relu": kernels.ACT_RELU}
_LOSS = {"sse": kernels.LOSS_SSE, "xent": kernels.LOSS_XENT}
# Settings whose change keeps the weights; any other change rebuilds the network.
_LIVE_SETTINGS = {"lr", "batch", "shuffle", "on_diverge"}
MAX_CHUNK = 1 << 16  # iterations per kernel call: bounds the per-call loss buffer
PARAM_LIMIT = 1e4  # weights stay under ~100 in any run that learns (lr 10, 300k iterations: 44)


@dataclasses.dataclass(frozen=True)
class Metrics:
    iterations: int
    train_loss: float  # mean loss per sample over the training set
    train_accuracy: float  # 0..1
    test_loss: float  # NaN-free: 0 when the dataset has no test set (see has_test)
    test_accuracy: float
    has_test: bool
    rate: float  # iterations per second of kernel time, recent
    diverged: str  # '' or a message saying what happened


class Trainer:
    def __init__(self, settings: dict[str, Any] | None = None, network: Network | None = None,
                 iterations: int = 0):
        self.settings = defaults("train")
        self.settings.update(checked(settings or {}))
        self._build(network)
        self.iterations = iterations
        if iterations:  # a loaded network's timeline starts where it was saved
            self.timeline = Timeline(self.net.params, iterations)

    # -- construction ------------------------------------------------------------------------
    def _build(self, network: Network | None = None) -> None:
        s = self.settings
        ds = data.load(s["dataset"])  # may fail (digits8 without scikit-learn) before anything changed
        self.dataset = ds
        arch = Architecture((ds.n_inputs, *s["hidden"], ds.n_outputs), s["activation"], s["loss"], s["bias"])
        if network is not None and network.arch != arch:
            raise GlnnError(f"the network {network.arch.sizes} does not fit dataset {ds.name} "
                            f"with these settings ({arch.sizes})")
        self.net = network or Network(arch, seed=s["seed"])
        self.arch = arch
        # the kernels index with unsigned integers (see glnn.core.kernels)
        self._sizes = np.array(arch.sizes, np.uint64)
        self._w_off = self.net.w_off.astype(np.uint64)
        self._b_off = self.net.b_off.astype(np.uint64)
        self._a_off = arch.activation_offsets().astype(np.uint64)
        self._acts = np.zeros(self._a_off[-1], np.float32)
        self._deltas = np.zeros(self._a_off[-1], np.float32)
        self._grad = np.zeros(self.net.n_params, np.float32)
        self._backup = self.net.params.copy()
        self._order = np.arange(len(ds.y_train), dtype=np.int32)
        self._state = np.array([0, s["seed"] + 1], np.int64)  # [next position, shuffle RNG state]
        self._losses = np.zeros(MAX_CHUNK, np.float32)
        # the loss history's iteration numbers, float64 as History keeps them, made in a buffer: a new
        # array of them per kernel call had cost 4% of the training time at 25-16-10
        self._chunk_iterations = np.arange(MAX_CHUNK, dtype=np.float64)
        self._xs = np.zeros(MAX_CHUNK, np.float64)
        self._eval_cache: dict[str, tuple[float, float, np.ndarray]] = {}  # see _evaluated
        self._eval_key = -1
        self.iterations = 0
        self.rate = 0.0
        self.kernel_seconds = 0.0  # time spent inside the training kernel since the last rebuild
        self.diverged = ""  # what happened at the last divergence, for the screen
        self.stopped = False  # True after a divergence with on_diverge = stop
        self.loss_history = History(1024, 1)
        self.metric_history = History(512, 4)  # train loss, train acc, test loss, test acc
        self.last_sample = -1  # index of the training sample used last (for the view)
        self.timeline = Timeline(self.net.params, 0)  # log-spaced snapshots for looking back
        self._warm_up()

    @property
    def on_value(self) -> np.float32:
        # sigmoid outputs aim at 0.99, not 1.0, which they can only approach; softmax can use 1.0
        return np.float32(0.99 if self.settings["loss"] == "sse" else 1.0)

    def _kernel_args(self, params: np.ndarray | None = None):
        net = self.net
        return (net.params if params is None else params, self._sizes, self._w_off, self._b_off, self.arch.bias,
                _ACT[self.arch.activation], _LOSS[self.arch.loss])

    def update(self, **changes: Any) -> bool:
        """Apply setting changes. Returns True when the network was rebuilt (weights reset)."""
        changes = checked(changes)
        changed = {k: v for k, v in changes.items() if self.settings.get(k) != v}
        if not changed:
            return False
        before = dict(self.settings)
        self.settings.update(changed)
        if "shuffle" in changed and not changed["shuffle"]:
            self._order[:] = np.arange(len(self._order))  # back to visiting the samples in turn
        if set(changed) <= _LIVE_SETTINGS:
            if "lr" in changed:
                self.clear_divergence()  # a new learning rate is a fresh chance
            return False
        try:
            self._build()
        except GlnnError:
            self.settings = before  # the running network stays as it was
            raise
        return True

    def reset(self, seed: int | None = None) -> None:
        """New random weights (the given seed, or the next one), iteration count and histories cleared."""
        next_seed = (self.settings["seed"] + 1) % 2**31  # stays a valid, saveable seed
        self.settings["seed"] = next_seed if seed is None else BY_NAME["seed"].check(seed)
        self._build()

    # -- training ----------------------------------------------------------------------------
    def steps(self, n: int) -> int:
        """Run n iterations (fewer if training diverges or has diverged). Returns how many ran."""
        done_total = 0
        n = int(n)
        while done_total < n and not self.stopped:
            # end the call on the timeline's next snapshot, so that snapshots land on exact iterations
            chunk = min(n - done_total, MAX_CHUNK, self.timeline.next_target - self.iterations)
            done = self._run_kernel(chunk)
            done_total += done
            if done < chunk:
                break
            if self.iterations == self.timeline.next_target:
                self.timeline.record(self.iterations, self.net.params)
        return done_total

    def next_sample(self) -> int:
        """The training sample the next iteration will visit first (reshuffling, if due, is foreseen)."""
        order, state = self._order.copy(), self._state.copy()
        return int(kernels.next_sample(order, state, len(order), bool(self.settings["shuffle"])))

    def train_sample(self, index: int) -> int:
        """One SGD iteration on training sample `index` alone (the step-through animation's update).

        When that sample is the one the training order visits next and batches are single
        samples, this is exactly steps(1), so the order moves on as after Step; otherwise the
        order stays where it was. Returns 1, or 0 if the step diverged.
        """
        if not 0 <= index < len(self.dataset.y_train):
            raise GlnnError(f"no training sample {index}")
        if self.stopped:
            return 0
        if self.settings["batch"] == 1 and index == self.next_sample():
            return self.steps(1)
        return self._run_kernel(1, sample=index)

    def _warm_up(self) -> None:
        """Load (or compile) the kernel for this network's types now, so the first timed call is honest."""
        s = self.settings
        kernels.train_steps(*self._kernel_args()[:1], self._grad, *self._kernel_args()[1:],
                            self.dataset.x_train, self.dataset.y_train, self._order, self._state.copy(),
                            0, np.float32(s["lr"]), s["batch"], s["shuffle"], self.on_value,
                            self._acts, self._deltas, self._a_off, self._losses)
        self._train_kernel(s["batch"])  # and a specialised one, if the cache has it

    def kernel_spec(self, batch: int | None = None) -> tuple:
        """What a training kernel specialised to this network fixes (glnn.core.specialise)."""
        return kernels.spec_for(self.arch.sizes, self.arch.bias, _ACT[self.arch.activation], _LOSS[self.arch.loss],
                                self.settings["batch"] if batch is None else batch)

    def _train_kernel(self, batch: int):
        """The training kernel to call: specialised to this network when one is ready, else the generic
        one. Both give the same results bit for bit, so switching mid-run changes nothing but the speed."""
        return specialise.kernel(self.kernel_spec(batch)) or kernels.train_steps

    def _run_kernel(self, chunk: int, sample: int = -1) -> int:
        """Train `chunk` iterations in the training order, or (sample >= 0) one on that sample alone."""
        s = self.settings
        np.copyto(self._backup, self.net.params)
        state_before = self._state.copy()
        x, y, order, state = self.dataset.x_train, self.dataset.y_train, self._order, self._state
        batch, shuffle = s["batch"], s["shuffle"]
        if sample >= 0:  # a one-sample "dataset" visited once; the training order is left where it was
            x, y = x[sample:sample + 1], y[sample:sample + 1]
            order, state, batch, shuffle = np.zeros(1, np.int32), np.zeros(2, np.int64), 1, False
        train = self._train_kernel(batch)
        params, sizes, w_off, b_off, bias, act, loss = self._kernel_args()
        t0 = time.perf_counter()
        done = train(params, self._grad, sizes, w_off, b_off, bias, act, loss,
                     x, y, order, state, chunk, np.float32(s["lr"]), batch, shuffle, self.on_value,
                     self._acts, self._deltas, self._a_off, self._losses)
        dt = time.perf_counter() - t0
        # The kernel sees a blow-up only at the next iteration's loss, so a chunk can end on weights
        # that are finite yet already overflow a forward pass (the Step button, or a chunk ended at a
        # timeline snapshot): weights this large mean the run has diverged. NaN fails the test too.
        if done < chunk or not np.abs(params).max() < PARAM_LIMIT:
            self._diverge(state_before)
            return 0
        self.kernel_seconds += dt
        if dt > 0:
            inst = done / dt
            self.rate = inst if self.rate == 0 else 0.8 * self.rate + 0.2 * inst
        first = self.iterations + 1
        self.iterations += done
        xs = np.add(self._chunk_iterations[:done], first, out=self._xs[:done])
        self.loss_history.add(xs, self._losses[:done])
        self.last_sample = sample if sample >= 0 else int(self._order[(self._state[0] - 1) % len(self._order)])
        return done

    def _diverge(self, state_before: np.ndarray) -> None:
        """Undo the chunk that blew up, so no NaN or infinity is ever visible."""
        np.copyto(self.net.params, self._backup)
        self._grad[:] = 0
        self._state[:] = state_before
        lr = self.settings["lr"]
        if self.settings["on_diverge"] == "reset":
            self.reset()
            self.diverged = f"training diverged at learning rate {lr:g}; the weights were reset"
        else:
            self.stopped = True
            self.diverged = f"training diverged at learning rate {lr:g}; lower it or press Reset"

    def clear_divergence(self) -> None:
        self.diverged = ""
        self.stopped = False

    def run(self, seconds: float, max_iterations: int | None = None) -> int:
        """Train for about `seconds` of wall time (and at most max_iterations). Returns iterations run."""
        deadline = time.perf_counter() + seconds
        total = 0
        limit = max_iterations if max_iterations is not None else math.inf
        while total < limit and not self.stopped:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            # size each kernel call to a slice of the remaining budget, from the measured rate
            guess = int(self.rate * min(remaining, 0.004)) if self.rate else 64
            chunk = int(min(max(16, min(guess, MAX_CHUNK)), limit - total))
            done = self.steps(chunk)
            total += done
            if done < chunk:
                break
        return total

    # -- reading -----------------------------------------------------------------------------
    def forward(self, x: np.ndarray, params: np.ndarray | None = None) -> list[np.ndarray]:
        """Every layer's activations (copies) for input x, the input layer first; with `params`
        (e.g. a timeline snapshot) instead of the network's own."""
        x = np.ascontiguousarray(x, np.float32).reshape(-1)
        if x.shape[0] != self.arch.sizes[0]:
            raise GlnnError(f"input has {x.shape[0]} values, the network takes {self.arch.sizes[0]}")
        acts = np.zeros(self._a_off[-1], np.float32)
        kernels.forward(*self._kernel_args(params), x, acts, self._a_off)
        bounds = self.arch.activation_offsets()
        return [acts[bounds[l]:bounds[l + 1]].copy() for l in range(len(self.arch.sizes))]

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """Output activations for every row of x (n, inputs)."""
        x = np.ascontiguousarray(x, np.float32)
        out = np.zeros((x.shape[0], self.arch.sizes[-1]), np.float32)
        losses = np.zeros(x.shape[0], np.float32)
        kernels.evaluate(*self._kernel_args(), x, np.zeros(x.shape[0], np.int32), self.on_value,
                         np.zeros_like(self._acts), np.zeros_like(self._deltas), self._a_off, out, losses)
        return out

    def predict(self, outputs: np.ndarray) -> np.ndarray:
        """Predicted class per row of output activations."""
        if outputs.shape[1] == 1:
            return (outputs[:, 0] > 0.5).astype(np.int32)
        return outputs.argmax(axis=1).astype(np.int32)

    def _evaluate(self, x: np.ndarray, y: np.ndarray,
                  params: np.ndarray | None = None) -> tuple[float, float, np.ndarray]:
        out = np.zeros((x.shape[0], self.arch.sizes[-1]), np.float32)
        losses = np.zeros(x.shape[0], np.float32)
        kernels.evaluate(*self._kernel_args(params), x, y, self.on_value, np.zeros_like(self._acts),
                         np.zeros_like(self._deltas), self._a_off, out, losses)
        return float(losses.mean()), float((self.predict(out) == y).mean()), out

    def evaluation(self, split: str = "train",
                   params: np.ndarray | None = None) -> tuple[float, float, np.ndarray]:
        """(mean loss, accuracy, outputs) on the train or test split at the current weights (or `params`)."""
        ds = self.dataset
        x, y = (ds.x_train, ds.y_train) if split == "train" else (ds.x_test, ds.y_test)
        return self._evaluate(x, y, params)

    def _evaluated(self) -> dict[str, tuple[float, float, np.ndarray]]:
        """(loss, accuracy, predicted classes) per split at the current weights, evaluated once per iteration."""
        if self._eval_key != self.iterations or not self._eval_cache:
            self._eval_cache = {}
            for split in ("train", "test") if self.dataset.has_test else ("train",):
                loss, accuracy, out = self.evaluation(split)
                self._eval_cache[split] = (loss, accuracy, self.predict(out))
            self._eval_key = self.iterations
        return self._eval_cache

    def predictions(self, split: str = "train") -> np.ndarray:
        """Predicted class of every sample of a split; shares the evaluation behind metrics()."""
        evaluated = self._evaluated()
        if split not in evaluated:
            return np.zeros(0, np.int32)
        return evaluated[split][2]

    def metrics(self) -> Metrics:
        evaluated = self._evaluated()
        train = evaluated["train"]
        test = evaluated.get("test", (0.0, 0.0))
        return Metrics(self.iterations, train[0], train[1], test[0], test[1], self.dataset.has_test,
                       self.rate, self.diverged)

    def record_metrics(self) -> Metrics:
        """Evaluate and append to metric_history (the app calls this once per frame while training)."""
        m = self.metrics()
        if self.metric_history.count == 0 or self.metric_history.x[self.metric_history.count - 1] != m.iterations:
            self.metric_history.add(np.array([m.iterations]),
                                    np.array([[m.train_loss, m.train_accuracy, m.test_loss, m.test_accuracy]]))
        return m

    # -- files -------------------------------------------------------------------------------
    def save(self, path) -> None:
        s = self.settings
        meta = {"dataset": s["dataset"], "lr": s["lr"], "seed": s["seed"], "iterations": self.iterations}
        model_io.save(path, self.net, meta)

    @classmethod
    def from_file(cls, path, overrides: dict[str, Any] | None = None) -> "Trainer":
        """A trainer continuing from a saved network. Architecture comes from the file."""
        net, meta = model_io.load(path)
        settings = {"dataset": meta.get("dataset", "digits5"), "hidden": tuple(net.arch.sizes[1:-1]),
                    "activation": net.arch.activation, "loss": net.arch.loss, "bias": net.arch.bias}
        for key in ("lr", "seed"):
            if key in meta:
                settings[key] = meta[key]
        for key, value in (overrides or {}).items():
            if key in ("hidden", "activation", "loss", "bias") and settings[key] != BY_NAME[key].check(value):
                raise GlnnError(f"{path}: the saved network has {key}={settings[key]}, "
                                f"which --{key} {value} contradicts")
            settings[key] = value
        try:
            return cls(settings, net, int(meta.get("iterations", 0)))
        except GlnnError as e:
            raise GlnnError(f"{path}: {e}") from None
