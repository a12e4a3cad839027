"""The trainer owns a network and its dataset and runs the kernels on them.

It is the only writer of the parameters. Callers ask it for a number of iterations
(`steps`) or a time budget (`run`), read `metrics()`, `history` and `forward(x)`, and
change settings through `update(**settings)`. It imports neither pyglet nor imgui.
"""
from __future__ import annotations

import dataclasses
import math
import os
import time
from typing import Any, Callable

import numpy as np

from glnn.core import confusion, data, lazy_kernels, specialise
from glnn.core import model as model_io
from glnn.core.errors import GlnnError
from glnn.core.history import History
from glnn.core.settings import BY_NAME, checked, defaults, is_csv
from glnn.core.model import Architecture, Network, predicted_classes
from glnn.core.shape import NetworkShape, spec_for
from glnn.core.timeline import Timeline

# Settings whose change keeps the weights; any other change rebuilds the network.
_LIVE_SETTINGS = {"lr", "l1", "l2", "batch", "shuffle", "on_diverge"}
# Settings that redraw the data of a generated 2-D set: the network keeps its weights (and its
# iteration count and curves) as long as the new data has the same inputs and outputs.
_DATA_SETTINGS = {"noise", "train_ratio"}
MAX_ADDED = 200  # examples added by hand (drawings taught, points clicked) kept at most: the newest
# Training visits each example added by hand up to this many times as often as a loaded sample, so that
# together they weigh about as much as the loaded set (see Trainer.example_weight): a visitor's drawing
# among ten digits is learnt in a fraction of a second instead of waiting its turn behind the others.
MAX_EXAMPLE_WEIGHT = 10
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


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """The whole training (and test) set through the network, at one iteration's weights."""
    network: Any  # the Network evaluated: a rebuilt trainer has another, and a late result is recognised
    iterations: int
    splits: dict[str, tuple[float, float, np.ndarray]]  # split -> (mean loss, accuracy, predicted classes)
    seconds: float  # what it cost
    dataset: Any = None  # the data evaluated: new noise, a new split or examples added by hand keep the network
    results: dict = dataclasses.field(default_factory=dict)  # split -> confusion.SplitResult, made with it


def _evaluate(shape: NetworkShape, params: np.ndarray, x: np.ndarray, y: np.ndarray,
              on_value: np.float32) -> tuple[float, float, np.ndarray]:
    """(mean loss, accuracy, outputs) of rows x with labels y (by NumPy while a window's kernels load:
    glnn.core.lazy_kernels)."""
    out, losses = lazy_kernels.evaluate(shape, params, x, y, on_value)
    return float(losses.mean()), float((predicted_classes(out) == y).mean()), out


class EvaluationJob:
    """An evaluation of the train and test sets, prepared under the trainer's lock (a copy of the
    weights and what the kernel needs) so that run() can go without it, on another thread, while
    training goes on (the kernels release the GIL)."""

    def __init__(self, trainer: "Trainer"):
        self.network = trainer.net
        self.iterations = trainer.iterations
        self.params = trainer.net.params.copy()
        self.shape = trainer.shape
        self.dataset = trainer.dataset
        self.on_value = trainer.on_value

    def run(self) -> Evaluation:
        t0 = time.perf_counter()
        ds = self.dataset
        splits = {}
        for split, x, y in (("train", ds.x_train, ds.y_train), ("test", ds.x_test, ds.y_test)):
            if split == "train" or ds.has_test:
                loss, accuracy, out = _evaluate(self.shape, self.params, x, y, self.on_value)
                splits[split] = (loss, accuracy, predicted_classes(out))
        # the confusion matrices too: where the job runs on the worker, they cost the frame nothing
        results = confusion.results_of(ds, self.iterations, splits)
        return Evaluation(self.network, self.iterations, splits, time.perf_counter() - t0, ds, results)


class Trainer:
    def __init__(self, settings: dict[str, Any] | None = None, network: Network | None = None,
                 iterations: int = 0, load_kernels: bool = True):
        """load_kernels=False: build without loading the Numba kernels; they load at the first training
        call, or when the window loads them after its first frame (glnn.core.lazy_kernels)."""
        self._load_kernels = load_kernels
        self.settings = defaults("train")
        self.settings.update(checked(settings or {}))
        self._added_x = np.zeros((0, 0), np.float32)  # examples added by hand, in the order added
        self._added_y = np.zeros(0, np.int32)
        self._added_for: tuple = ()  # the (dataset, image_shape) they belong to
        self._build(network)
        self.iterations = iterations
        if iterations:  # a loaded network's timeline starts where it was saved
            self.timeline = Timeline(self.net.params, iterations)

    # -- construction ------------------------------------------------------------------------
    def _build(self, network: Network | None = None) -> None:
        s = self.settings
        # may fail (digits8 without scikit-learn, a bad .csv file) before anything changed
        base = data.for_settings(s)
        self.base_dataset = base  # the training set as loaded, without the examples added by hand
        if self._added_for != (s["dataset"], s["image_shape"]):  # another dataset: they are not its examples
            self._added_x = np.zeros((0, base.sample_width), np.float32)
            self._added_y = np.zeros(0, np.int32)
            self._added_for = (s["dataset"], s["image_shape"])
        ds = self.dataset = data.with_added(base, self._added_x, self._added_y)
        self._fit_arrays()
        arch = Architecture((ds.n_inputs, *s["hidden"], ds.n_outputs), s["activation"], s["loss"], s["bias"])
        if network is not None and network.arch != arch:
            raise GlnnError(f"the network {network.arch.sizes} does not fit dataset {ds.name} "
                            f"with these settings ({arch.sizes})")
        self.net = network or Network(arch, seed=s["seed"])
        self.net.params = model_io.aligned(self.net.params)  # (a loaded network's may not be: see aligned_zeros)
        self.arch = arch
        self.shape = NetworkShape.of(arch, self.net.w_off, self.net.b_off)
        self._a_off = self.shape.a_off
        self._layer_bounds = tuple(int(v) for v in self._a_off)  # each layer's slice of a flat activation buffer
        self._acts = model_io.aligned_zeros(int(self._a_off[-1]))
        self._deltas = model_io.aligned_zeros(int(self._a_off[-1]))
        self._grad = model_io.aligned_zeros(self.net.n_params)
        self._backup = self.net.params.copy()
        self._order = np.arange(len(self._fit_y), dtype=np.int32)
        self._state = np.array([0, s["seed"] + 1], np.int64)  # [next position, shuffle RNG state]
        self._losses = np.zeros(MAX_CHUNK, np.float32)
        self._evaluation: Evaluation | None = None  # the latest at the current weights (see evaluation_now)
        # the loss history's iteration numbers, float64 as History keeps them, made in a buffer: a new
        # array of them per kernel call had cost 4% of the training time at 25-16-10
        self._chunk_iterations = np.arange(MAX_CHUNK, dtype=np.float64)
        self._xs = np.zeros(MAX_CHUNK, np.float64)
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
        return self.shape.args(self.net.params if params is None else params)

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
        try:
            if set(changed) <= _LIVE_SETTINGS | _DATA_SETTINGS:
                if "lr" in changed:
                    self.clear_divergence()  # a new learning rate is a fresh chance
                return bool(set(changed) & _DATA_SETTINGS) and self._redraw_data()
            self._build()
        except GlnnError:
            self.settings = before  # the running network stays as it was
            raise
        return True

    def _redraw_data(self) -> bool:
        """New data from the settings (noise, train_ratio): kept weights if it fits the network, else a
        rebuild. Returns True if the network was rebuilt."""
        base = data.for_settings(self.settings)
        if base is self.base_dataset:  # a set the two settings do not touch (digits5, say)
            return False
        if (base.n_inputs, base.n_outputs) != (self.arch.sizes[0], self.arch.sizes[-1]):
            self._build()
            return True
        self.base_dataset = base
        self._refit(new_epoch=True)  # the visitor's points stay, on the new data
        return False

    def reset(self, seed: int | None = None) -> None:
        """New random weights (the given seed, or the next one), iteration count and histories cleared."""
        next_seed = (self.settings["seed"] + 1) % 2**31  # stays a valid, saveable seed
        self.settings["seed"] = next_seed if seed is None else BY_NAME["seed"].check(seed)
        self._build()

    # -- examples added by hand ----------------------------------------------------------------
    def add_example(self, x: np.ndarray, label: int) -> str:
        """Add sample x (a drawing's pixels, or a point of the plane: Dataset.sample_width numbers) to
        the training set as an example of class `label` (an index into the class names), added by hand: the weights stay and training goes on with it. At most MAX_ADDED are
        kept (the oldest goes). Returns a note for the person, or ''."""
        ds = self.dataset
        x = np.asarray(x, np.float32).reshape(-1)
        if x.shape[0] != ds.sample_width:
            raise GlnnError(f"an example needs {ds.sample_width} values, got {x.shape[0]}")
        if not np.isfinite(x).all():
            raise GlnnError("an example must be finite numbers")
        label = int(label)
        if not 0 <= label < ds.n_classes:
            raise GlnnError(f"no class {label}: the classes are 0..{ds.n_classes - 1}")
        note = ""
        samples = ds.x_train if ds.points_train is None else ds.points_train
        clash = np.flatnonzero((samples == x).all(axis=1) & (ds.y_train != label))
        if len(clash):
            note = (f"the same input is in the training set as {ds.class_names[ds.y_train[clash[0]]]}: "
                    "both answers cannot be right")
        added_x = np.concatenate([self._added_x, x[None, :]])
        added_y = np.append(self._added_y, np.int32(label))
        if len(added_y) > MAX_ADDED:
            added_x, added_y = added_x[-MAX_ADDED:], added_y[-MAX_ADDED:]
            note = note or f"only the newest {MAX_ADDED} examples added by hand are kept"
        self._set_added(added_x, added_y)
        return note

    def undo_example(self) -> bool:
        """Take back the example added last. False if there was none."""
        if not len(self._added_y):
            return False
        self._set_added(self._added_x[:-1], self._added_y[:-1])
        return True

    def forget_examples(self) -> int:
        """Remove every example added by hand (back to the training set as loaded). Returns how many."""
        n = len(self._added_y)
        if n:
            self._set_added(self._added_x[:0], self._added_y[:0])
        return n

    def _set_added(self, x: np.ndarray, y: np.ndarray) -> None:
        """The training set is the loaded one plus these: the training order and evaluations follow."""
        self._added_x, self._added_y = np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.int32)
        self._refit(new_epoch=False)

    def _refit(self, new_epoch: bool) -> None:
        """The training set is base_dataset plus the examples added by hand: the kernel's arrays, the
        training order and the evaluation follow, the weights stay. `new_epoch`: start again from the
        first sample (new data); otherwise only a shuffled order, or a place past the end, starts again."""
        self.dataset = data.with_added(self.base_dataset, self._added_x, self._added_y)
        self._fit_arrays()
        n = len(self._fit_y)
        self._order = np.arange(n, dtype=np.int32)  # a shuffled order is drawn afresh at the next epoch
        if new_epoch or self.settings["shuffle"] or self._state[0] >= n:
            self._state[0] = 0
        self._evaluation = None  # made on the data before
        if self.last_sample >= len(self.dataset.y_train):
            self.last_sample = -1

    @property
    def example_weight(self) -> int:
        """How many times as often as a loaded sample training visits each example added by hand:
        enough for them together to weigh about as much as the loaded set, at most MAX_EXAMPLE_WEIGHT."""
        added = len(self._added_y)
        if not added:
            return 1
        return int(np.clip(-(-(len(self.dataset.y_train) - added) // added), 1, MAX_EXAMPLE_WEIGHT))

    def _fit_arrays(self) -> None:
        """What the kernel trains on: the dataset's training set with the examples added by hand
        repeated example_weight times (the whole block over again, so the visits spread out)."""
        ds, k = self.dataset, self.example_weight
        if k == 1:
            self._fit_x, self._fit_y = ds.x_train, ds.y_train
        else:
            added_inputs = ds.x_train[len(ds.y_train) - len(self._added_y):]  # features of points, if any
            self._fit_x = np.ascontiguousarray(np.concatenate([ds.x_train, np.tile(added_inputs, (k - 1, 1))]))
            self._fit_y = np.concatenate([ds.y_train, np.tile(self._added_y, k - 1)])

    def _sample_of(self, fit_index: int) -> int:
        """The training sample (an index into dataset.x_train) at this row of the kernel's arrays."""
        n = len(self.dataset.y_train)
        if fit_index < n:
            return fit_index
        added = len(self._added_y)
        return n - added + (fit_index - n) % added

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
        shuffle = bool(self.settings["shuffle"])
        return self._sample_of(int(lazy_kernels.get().next_sample(order, state, len(order), shuffle)))

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
        """Load (or compile) the kernels now, so the first timed call is honest (unless built with
        load_kernels=False: a window loads them after its first frame)."""
        if not self._load_kernels and not lazy_kernels.loaded():
            return
        lazy_kernels.load()
        self._train_kernel(self.settings["batch"])  # and a specialised one, if the cache has it

    def kernel_spec(self, batch: int | None = None) -> tuple:
        """What a training kernel specialised to this network fixes (glnn.core.specialise)."""
        return spec_for(self.arch.sizes, self.shape.bias, self.shape.activation, self.shape.loss,
                        self.settings["batch"] if batch is None else batch)

    def _train_kernel(self, batch: int):
        """The training kernel to call: specialised to this network when one is ready, else the generic
        one. Both give the same results bit for bit, so switching mid-run changes nothing but the speed."""
        generic = lazy_kernels.get().train_steps  # (which loads the kernels, if a window has not yet)
        return specialise.kernel(self.kernel_spec(batch)) or generic

    def _run_kernel(self, chunk: int, sample: int = -1) -> int:
        """Train `chunk` iterations in the training order, or (sample >= 0) one on that sample alone."""
        s = self.settings
        np.copyto(self._backup, self.net.params)
        state_before = self._state.copy()
        x, y, order, state = self._fit_x, self._fit_y, self._order, self._state
        batch, shuffle = s["batch"], s["shuffle"]
        if sample >= 0:  # a one-sample "dataset" visited once; the training order is left where it was
            x, y = self.dataset.x_train[sample:sample + 1], self.dataset.y_train[sample:sample + 1]
            order, state, batch, shuffle = np.zeros(1, np.int32), np.zeros(2, np.int64), 1, False
        train = self._train_kernel(batch)
        params, sizes, w_off, b_off, bias, act, loss = self._kernel_args()
        t0 = time.perf_counter()
        done = train(params, self._grad, sizes, w_off, b_off, bias, act, loss,
                     x, y, order, state, chunk, np.float32(s["lr"]), np.float32(s["l1"]), np.float32(s["l2"]), batch,
                     shuffle, self.on_value,
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
        self.last_sample = sample if sample >= 0 else self._sample_of(
            int(self._order[(self._state[0] - 1) % len(self._order)]))
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
        """Every layer's activations for input x (slices of a buffer of this call's own), the input layer
        first; with `params` (e.g. a timeline snapshot) instead of the network's own."""
        x = np.ascontiguousarray(x, np.float32).reshape(-1)
        if x.shape[0] != self.arch.sizes[0]:
            raise GlnnError(f"input has {x.shape[0]} values, the network takes {self.arch.sizes[0]}")
        acts = lazy_kernels.forward(self.shape, self.net.params if params is None else params, x)
        bounds = self._layer_bounds
        return [acts[bounds[l]:bounds[l + 1]] for l in range(len(bounds) - 1)]  # views of a fresh buffer

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """Output activations for every row of x (n, inputs)."""
        x = np.ascontiguousarray(x, np.float32)
        return lazy_kernels.evaluate(self.shape, self.net.params, x, np.zeros(x.shape[0], np.int32), self.on_value)[0]

    def predict(self, outputs: np.ndarray) -> np.ndarray:
        """Predicted class per row of output activations."""
        return predicted_classes(outputs)

    def evaluate(self, x: np.ndarray, y: np.ndarray,
                 params: np.ndarray | None = None) -> tuple[float, float, np.ndarray]:
        """(mean loss, accuracy, outputs) on rows x (float32, C order) with labels y (int32), at the
        current weights (or `params`)."""
        return _evaluate(self.shape, self.net.params if params is None else params, x, y, self.on_value)

    def evaluation(self, split: str = "train",
                   params: np.ndarray | None = None) -> tuple[float, float, np.ndarray]:
        """(mean loss, accuracy, outputs) on the train or test split at the current weights (or `params`)."""
        ds = self.dataset
        x, y = (ds.x_train, ds.y_train) if split == "train" else (ds.x_test, ds.y_test)
        return self.evaluate(x, y, params)

    def evaluation_now(self) -> Evaluation:
        """The train/test evaluation at the current weights: made once per iteration (or taken in by
        accept() from a job that saw these weights)."""
        e = self._evaluation
        if (e is None or e.network is not self.net or e.iterations != self.iterations
                or e.dataset is not self.dataset):
            self.accept(self.evaluation_job().run(), record=False)
        return self._evaluation

    def _evaluated(self) -> dict[str, tuple[float, float, np.ndarray]]:
        """(loss, accuracy, predicted classes) per split at the current weights, evaluated once per iteration."""
        return self.evaluation_now().splits

    def evaluation_job(self) -> EvaluationJob:
        """The train/test evaluation at the current weights, to run later or elsewhere (see EvaluationJob)."""
        return EvaluationJob(self)

    def accept(self, evaluation: Evaluation, record: bool = True) -> Metrics | None:
        """Take in an evaluation made by a job: the metrics it measured (None if it was made on another
        network, before a rebuild or reset). It answers metrics() and predictions() while the weights
        are still those it saw; with `record`, its point joins metric_history (once per iteration, in order)."""
        if evaluation.network is not self.net or evaluation.dataset is not self.dataset:
            return None
        if evaluation.iterations == self.iterations:
            self._evaluation = evaluation
        if record:
            h = self.metric_history
            last = h.x[h.count - 1] if h.count else -1.0
            if evaluation.iterations > last or h.count == 0:
                m = self.metrics_of(evaluation)
                h.add(np.array([m.iterations]),
                      np.array([[m.train_loss, m.train_accuracy, m.test_loss, m.test_accuracy]]))
        return self.metrics_of(evaluation)

    def metrics_of(self, evaluation: Evaluation) -> Metrics:
        """The Metrics an evaluation measured (with today's rate and divergence note)."""
        train = evaluation.splits["train"]
        test = evaluation.splits.get("test", (0.0, 0.0))
        return Metrics(evaluation.iterations, train[0], train[1], test[0], test[1], self.dataset.has_test,
                       self.rate, self.diverged)

    def dead_neurons(self, params: np.ndarray | None = None) -> tuple[int, int]:
        """(dead, all) hidden neurons at the current weights (or `params`). A neuron is dead when it gives
        the same stuck value for every training sample: 0 for a ReLU (its input never above 0), or a
        sigmoid or tanh saturated at the same end (within 1 % of it). It then tells no two samples apart,
        and its gradient being (nearly) zero for every sample, training cannot bring it back."""
        return self.dead_neurons_job(params)()

    def dead_neurons_job(self, params: np.ndarray | None = None) -> Callable[[], tuple[int, int]]:
        """dead_neurons as a job for another thread: what it reads is taken now (`params` must not change
        afterwards: pass a copy), so the trainer may train on or be rebuilt meanwhile."""
        ds, sizes, activation, shape = self.dataset, self.arch.sizes, self.arch.activation, self.shape
        params, n_values = self.net.params if params is None else params, int(self._a_off[-1])

        def count() -> tuple[int, int]:
            values = np.empty((n_values, len(ds.y_train)), np.float32)
            lazy_kernels.forward_all(shape, params, ds.x_train, values)
            hidden = values[sizes[0]:len(values) - sizes[-1]]
            if activation == "relu":
                dead = (hidden <= 0.0).all(axis=1)
            else:
                low, high = (0.01, 0.99) if activation == "sigmoid" else (-0.98, 0.98)
                dead = (hidden <= low).all(axis=1) | (hidden >= high).all(axis=1)
            return int(dead.sum()), int(hidden.shape[0])
        return count

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
        """Evaluate (once per iteration) and append to metric_history (once per iteration)."""
        m = self.metrics()
        if self.metric_history.count == 0 or self.metric_history.x[self.metric_history.count - 1] != m.iterations:
            self.metric_history.add(np.array([m.iterations]),
                                    np.array([[m.train_loss, m.train_accuracy, m.test_loss, m.test_accuracy]]))
        return m

    # -- files -------------------------------------------------------------------------------
    def save(self, path) -> None:
        s = self.settings
        # a .csv dataset is recorded by its absolute path, so --load finds it from any directory
        dataset = os.path.abspath(s["dataset"]) if is_csv(s["dataset"]) else s["dataset"]
        meta = {"dataset": dataset, "image_shape": s["image_shape"], "lr": s["lr"], "l1": s["l1"], "l2": s["l2"],
                "seed": s["seed"], "iterations": self.iterations, "noise": s["noise"],
                "train_ratio": s["train_ratio"], "features": ",".join(s["features"])}
        model_io.save(path, self.net, meta)

    @classmethod
    def create(cls, settings: dict[str, Any] | None = None, path: str | None = None,
               load_kernels: bool = True) -> "Trainer":
        """A trainer from settings, continuing from the network saved at `path` if one is given."""
        if path:
            return cls.from_file(path, settings, load_kernels)
        return cls(settings, load_kernels=load_kernels)

    @classmethod
    def from_file(cls, path, overrides: dict[str, Any] | None = None, load_kernels: bool = True) -> "Trainer":
        """A trainer continuing from a saved network. Architecture comes from the file."""
        net, meta = model_io.load(path)
        settings = {"dataset": meta.get("dataset", "digits5"), "hidden": tuple(net.arch.sizes[1:-1]),
                    "activation": net.arch.activation, "loss": net.arch.loss, "bias": net.arch.bias}
        for key in ("image_shape", "lr", "l1", "l2", "seed", "noise", "train_ratio"):
            if key in meta:
                settings[key] = meta[key]
        if "features" in meta:  # what the inputs are: part of the network, like its shape
            try:
                settings["features"] = BY_NAME["features"].parse(str(meta["features"]))
            except GlnnError as e:
                raise GlnnError(f"{path}: {e}") from None

        def shown(v):
            return ",".join(map(str, v)) if isinstance(v, (tuple, list)) else v
        for key, value in (overrides or {}).items():
            saved = settings.get(key, BY_NAME[key].default)
            if key in ("hidden", "activation", "loss", "bias", "features") and saved != BY_NAME[key].check(value):
                raise GlnnError(f"{path}: the saved network has {key}={shown(saved)}, "
                                f"which --{key.replace('_', '-')} {shown(value)} contradicts")
            settings[key] = value
        try:
            return cls(settings, net, int(meta.get("iterations", 0)), load_kernels)
        except GlnnError as e:
            if ("dataset" not in (overrides or {}) and is_csv(settings["dataset"])
                    and str(e).startswith(settings["dataset"])):  # the recorded file could not be read
                raise GlnnError(f"{path} was trained on {e}; give --dataset FILE.csv to continue on another "
                                "file with the same columns") from None
            raise GlnnError(f"{path}: {e}") from None
