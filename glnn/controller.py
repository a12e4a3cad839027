"""The controller: the one place where input becomes action, and the frame it publishes.

Data flows one way: the panel and the window handlers emit commands; `Controller.apply`
carries them out on the state and the trainer; each frame the controller trains, then
publishes a `Frame` (plain arrays and numbers) that the renderer and the panel only read.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import time

import numpy as np

from glnn import commands, scrub
from glnn.core import confusion, data, layer_space, lazy_kernels, settings, step
from glnn.core.errors import GlnnError
from glnn.core.model import predicted_class
from glnn.core.trainer import Metrics, Trainer
from glnn.state import AppState
from glnn.worker import TrainingWorker

FRAME_TRAIN_BUDGET = 0.010  # seconds of training per frame on the main thread at most
DIVERGED_NOTICE_SECONDS = 6.0  # how long "diverged, weights reset" stays on screen
METRICS_INTERVAL = 0.2  # seconds between full train/test evaluations while training runs
DEAD_TIME_SHARE = 0.01  # the dead-neuron count takes at most this share of the time (Controller._dead_neurons)
DEAD_CHEAP = 0.002  # seconds: a count this quick is made at once whenever the network shown changes

# ... or longer, so that evaluating (on the worker thread, which trains meanwhile) takes at most this
# share of the time: a 1,797-image evaluation of a 64-256-256-10 network costs what 600 iterations do
EVALUATION_SHARE = 0.05
# While playing at more than one iteration per frame the scene steps through the training
# images at this pace: showing the last one trained would show the same digit every frame
# whenever the speed is a multiple of the number of images.
SHOW_SAMPLE_SECONDS = 0.15
# Commands that leave a step animation running; any other (play, step, reset, a new input...)
# ends it, before its weight update if that has not happened yet. A change of a view setting
# (Set of a state field) leaves it running too; a change of a training setting ends it.
_KEEP_ANIMATION = (commands.Animate, commands.Save)


@dataclasses.dataclass(frozen=True)
class Frame:
    """What one frame shows: read by the renderer and the panel, never written."""
    params: np.ndarray
    activations: np.ndarray  # every neuron, input layer first
    layer_sizes: tuple[int, ...]
    outputs: np.ndarray
    prediction: int
    input_index: int  # training sample shown, or -1 for a clicked/drawn input
    picked_index: int  # the training image clicked and shown, or -1
    metrics: Metrics
    metric_x: np.ndarray
    metric_y: np.ndarray
    iterations_per_second: float  # achieved, wall clock
    # per split ("train", "test"): confusion matrix and misclassified samples, refreshed with the metrics
    results: dict[str, confusion.SplitResult] = dataclasses.field(default_factory=dict)
    timeline: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(1, np.int64))  # snapshot iterations
    scrubbed: int = -1  # the snapshot shown (an index into timeline), or -1 for the present
    live_iterations: int = 0  # iterations trained: "now", whatever the scene shows
    animation: step.AnimationView | None = None  # the step-through animation, while one runs
    point: np.ndarray | None = None  # 2-D sets: the point (x1, x2) of the plane whose input is shown
    dead_neurons: tuple[int, int] = (0, 0)  # (dead, all) hidden neurons of the network shown (Trainer.dead_neurons)

    def non_finite(self) -> list[str]:
        """Names of the shown numbers that are NaN or infinite (a self-check; none should ever be)."""
        arrays = {"params": self.params, "activations": self.activations, "outputs": self.outputs,
                  "metric curves": self.metric_y}
        bad = [name for name, a in arrays.items() if not np.isfinite(a).all()]
        m = self.metrics
        for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "rate"):
            if not np.isfinite(getattr(m, name)):
                bad.append(name)
        if not np.isfinite(self.iterations_per_second):
            bad.append("iterations_per_second")
        return bad


def full_path(path: str) -> str:
    """A file name as typed into the Save box, made absolute (and ~ expanded)."""
    return os.path.abspath(os.path.expanduser(path))


class Controller:
    def __init__(self, trainer: Trainer, state: AppState, threaded: bool = True):
        self.trainer = trainer
        self.state = state
        self.worker = TrainingWorker(lambda: self.trainer) if threaded else None
        self._rate_window: list[tuple[float, int]] = []
        self._last_iterations = trainer.iterations
        self._metrics = None
        self._metrics_time = 0.0
        self._metrics_net = None  # the network the metrics were measured on (a rebuild makes a new one)
        self._metrics_data = None  # ... and the data (new noise, split or examples added by hand: new data)
        self._evaluation_seconds = 0.0  # what the last evaluation cost
        self._results: dict[str, confusion.SplitResult] = {}
        self._diverged_since: float | None = None
        self._dead: tuple[int, int] = (0, 0)
        self._dead_key: tuple | None = None  # (network, iteration) the dead neurons were counted on
        self._dead_time = 0.0
        self._dead_cost = 0.0
        self.scrubber = scrub.Scrubber(METRICS_INTERVAL)
        self.animation: step.StepAnimation | None = None
        self.clock = time.monotonic  # drives the animation; tests and --animate-at put their own
        self.state.drawing = self._drawing_for(trainer.dataset, state.drawing)

    # -- commands ---------------------------------------------------------------------------
    def apply(self, command: commands.Command) -> None:
        """Carry out one command (glnn.commands)."""
        s, tr = self.state, self.trainer
        if not isinstance(command, _KEEP_ANIMATION) and not (
                isinstance(command, commands.Set) and command.name not in settings.TRAIN_KEYS):
            self.animation = None
        with self._locked():
            if s.scrub_iteration >= 0 and scrub.returns_to_now(command):
                s.scrub_iteration = -1
            match command:
                case commands.Scrub() | commands.ScrubBy() | commands.ScrubTo():
                    self.scrubber.apply(command, s, tr)
                case commands.Animate(mode):
                    self._animate(mode)
                case commands.TogglePlay():
                    s.playing = not s.playing
                    if s.playing:  # playing shows what training does, not a chosen input
                        s.shown_input = None
                case commands.Play(playing):
                    s.playing = bool(playing)
                case commands.Step():
                    s.playing = False
                    tr.steps(1)
                    s.shown_input = None
                case commands.Train(iterations):
                    tr.steps(int(iterations))
                    s.shown_input = None
                case commands.Reset():
                    tr.reset()
                    s.shown_input = None
                case commands.Set(name, value) if name in settings.TRAIN_KEYS:
                    self._set_training({name: value})
                case commands.Choose(name, value):
                    try:
                        changes = settings.preset_changes(tr.settings, name, value)
                    except GlnnError as e:
                        s.message = str(e)
                    else:
                        self._set_training(changes)
                case commands.Set(name, value):
                    setattr(s, name, settings.BY_NAME[name].check(value) if name in settings.BY_NAME else value)
                case commands.ShowSample(index):
                    s.shown_input = tr.dataset.x_train[index].copy()
                    s.shown_index = int(index)
                    ds, name = tr.dataset, tr.dataset.class_names[tr.dataset.y_train[index]]
                    s.shown_point = None
                    s.shown_label = (f"training image {name}" if ds.image_shape else
                                     f"training {ds.noun} #{index} (class {name})")
                case commands.ShowInput(pixels, label):
                    s.shown_input = np.asarray(pixels, np.float32).copy()
                    s.shown_index = -1
                    s.shown_point = None
                    s.shown_label = str(label)
                case commands.ShowPoint(point, label):
                    if tr.dataset.has_plane:
                        point = np.asarray(point, np.float32).reshape(2).copy()
                        s.shown_input = tr.dataset.inputs_at(point)[0]
                        s.shown_index = -1
                        s.shown_point = point
                        s.shown_label = str(label) or f"the point ({point[0]:+.2f}, {point[1]:+.2f})"
                case commands.PickNeuron(neuron):
                    s.space_pair, s.space_axis = layer_space.pick(s.space_pair, s.space_axis, int(neuron),
                                                                  tr.arch.sizes)
                case commands.FollowTraining():
                    s.shown_input = None
                case commands.Save(path):
                    path = full_path(path)  # the message says in which folder the file went
                    try:
                        tr.save(path)
                        s.message = f"saved {path}"
                    except GlnnError as e:
                        s.message = str(e)
                case commands.AddExample(inputs, label):
                    try:
                        s.data_message = tr.add_example(inputs, label)
                    except GlnnError as e:
                        s.data_message = str(e)
                case commands.UndoExample():
                    s.data_message = "" if tr.undo_example() else "nothing to undo"
                case commands.ForgetExamples():
                    n = tr.forget_examples()
                    s.data_message = f"forgot {n} example{'s' if n != 1 else ''} of yours" if n else ""
                case commands.SaveData(path):
                    try:
                        n = data.write_csv(path, tr.dataset)
                        s.data_message = f"saved {n:,} samples to {path}"
                    except GlnnError as e:
                        s.data_message = str(e)
                case commands.Load(path):
                    path = full_path(path)
                    try:
                        self.trainer = Trainer.from_file(path, load_kernels=False)  # (loaded by the window)
                        s.shown_input = None
                        s.space_pair, s.space_axis = (-1, -1), 0
                        s.playing = False
                        s.message = f"loaded {path}"
                    except GlnnError as e:
                        s.message = str(e)
                case _:
                    raise TypeError(f"not a command: {command!r}")

    def _set_training(self, changes: dict) -> None:
        """Training settings: the trainer applies them at once, rebuilding the network if it must."""
        s, tr = self.state, self.trainer
        try:
            rebuilt = tr.update(**changes)
        except GlnnError as e:  # e.g. digits8 without scikit-learn: say so, keep the network
            s.message = str(e)
            return
        s.message = ""
        if rebuilt:
            s.shown_input = None
            s.shown_point = None
            s.space_pair, s.space_axis = (-1, -1), 0  # neurons of another network: the default pair
            s.drawing = self._drawing_for(tr.dataset, s.drawing)

    @staticmethod
    def _drawing_for(dataset, drawing) -> np.ndarray | None:
        """The draw grid's pixels for `dataset`: the drawing kept if it fits, else blank; None without images."""
        if dataset.image_shape is None:
            return None
        if drawing is not None and len(drawing) == dataset.n_inputs:
            return np.array(drawing, np.float32)
        return np.zeros(dataset.n_inputs, np.float32)

    def _animate(self, mode: str) -> None:
        """Forward / Backprop / Animate step: one SGD iteration played slowly (see glnn.core.step)."""
        s, tr = self.state, self.trainer
        s.playing = False
        now = self.clock()
        current = self.animation
        if mode == "backprop" and current is not None and current.waiting:
            current.resume(now)
            return
        if current is not None and not current.done:
            return  # one at a time: the buttons wait for the running one
        # the clicked training image, else the one training visits next (so the step is the next Step)
        if s.shown_input is not None and 0 <= s.shown_index < len(tr.dataset.y_train):
            index = s.shown_index
        else:
            index = tr.next_sample()
            s.shown_input = None
        self.animation = step.start(tr, index, mode, now, s.animation_speed)

    def _locked(self):
        """Hold the trainer against the worker thread (if there is one) while the main thread uses it."""
        return self.worker.main_thread() if self.worker is not None else contextlib.nullcontext()

    # -- per frame ---------------------------------------------------------------------------
    def advance(self) -> None:
        """Train for this frame: inline at a fixed speed, on the worker thread at speed max."""
        s = self.state
        if s.playing:
            s.scrub_iteration = -1  # whatever started training (a kiosk demo, say) ends a look back
        threaded_max = self.worker is not None and s.playing and s.speed == 0
        if self.worker is not None:
            self.worker.set_running(threaded_max)
        if s.playing and not threaded_max and lazy_kernels.loaded():  # (else: a window's first moments)
            with self._locked():
                budget = FRAME_TRAIN_BUDGET
                self.trainer.run(budget, max_iterations=s.speed if s.speed > 0 else None)
        if self.animation is not None and not self.animation.done:
            self.animation.set_speed(s.animation_speed)
            with self._locked():  # its update trains one iteration
                self.animation.advance(self.clock())
        if self.trainer.stopped:
            s.playing = False
        elif self.trainer.diverged:  # recovered by a reset: say so for a while, then clear the message
            now = time.perf_counter()
            if self._diverged_since is None:
                self._diverged_since = now
            elif now - self._diverged_since > DIVERGED_NOTICE_SECONDS:
                self.trainer.clear_divergence()
                self._diverged_since = None

    def frame(self) -> Frame:
        """Snapshot what this frame shows."""
        with self._locked():
            tr = self.trainer
            s = self.state
            picked = -1
            if s.shown_input is not None and len(s.shown_input) == tr.arch.sizes[0]:
                x, index = s.shown_input, -1
                picked = s.shown_index if s.shown_index < len(tr.dataset.x_train) else -1
            else:
                if s.playing and s.speed != 1:
                    index = int(time.monotonic() / SHOW_SAMPLE_SECONDS) % len(tr.dataset.x_train)
                else:
                    index = tr.last_sample if tr.last_sample >= 0 else 0
                x = tr.dataset.x_train[index]
            shown = self.scrubber.index(s, tr)  # a snapshot from the timeline, or -1 for the live network
            params = tr.net.params if shown < 0 else tr.timeline.params(shown)
            layers = tr.forward(x, params)
            metrics = self._current_metrics() if shown < 0 else self.scrubber.metrics(tr, shown)
            mx, my = tr.metric_history.points()
            params = params.copy()  # the frame's own: training goes on meanwhile
            frame = Frame(
                params=params,
                activations=np.concatenate(layers),
                layer_sizes=tr.arch.sizes,
                outputs=layers[-1],
                prediction=predicted_class(layers[-1]),
                input_index=index,
                picked_index=picked,
                metrics=metrics,
                metric_x=mx.copy(), metric_y=my.copy(),
                iterations_per_second=self._wall_rate(tr.iterations),
                results=self._results,
                timeline=tr.timeline.iterations.copy(),
                scrubbed=shown,
                live_iterations=tr.iterations,
                dead_neurons=self._dead_neurons(params, metrics.iterations),
            )
        if self.animation is not None:
            frame = self._animated(frame, self.animation.view())
        if self.trainer.dataset.has_plane:
            frame = dataclasses.replace(frame, point=self._shown_point(frame))
        return frame

    def _shown_point(self, frame: Frame) -> np.ndarray | None:
        """The point of the plane the frame's input was made from (for the ring on the decision map)."""
        s, ds = self.state, self.trainer.dataset
        if frame.input_index >= 0:  # a training sample
            return ds.plane_train[frame.input_index]
        if s.shown_point is not None:
            return s.shown_point
        if 0 <= frame.picked_index < len(ds.y_train):
            return ds.plane_train[frame.picked_index]
        if not ds.features or ds.features == ("x1", "x2"):  # the inputs are the point itself
            return frame.activations[:2].copy()
        return None  # an input given by its features alone

    @staticmethod
    def _animated(frame: Frame, view: step.AnimationView) -> Frame:
        """While an animation plays, the frame shows its sample, its weights and its lit neurons."""
        if view.phase == "done":  # the new weights, the sample fed forward as usual
            return dataclasses.replace(frame, animation=view)
        outputs = view.sample.layers[-1].astype(np.float32)
        return dataclasses.replace(frame, params=view.params, activations=view.activations, outputs=outputs,
                                   prediction=predicted_class(outputs), input_index=view.sample.index, animation=view)

    def _current_metrics(self) -> Metrics:
        """Evaluating the whole training and test sets costs as much as thousands of iterations on
        big networks, so while training runs it happens a few times a second, not every frame, and
        with a worker thread it happens there, off the frame path: the figures show the last
        evaluation finished. A new network (or none measured yet) is measured at once."""
        tr = self.trainer
        now = time.perf_counter()
        if self.worker is not None:
            self._collect()
        # new dataset or architecture, new data for the same network (noise, split, examples added by hand)
        rebuilt = self._metrics_net is not tr.net or self._metrics_data is not tr.dataset
        stale = self._metrics is None or self._metrics.iterations != tr.iterations or rebuilt
        interval = max(METRICS_INTERVAL, self._evaluation_seconds / EVALUATION_SHARE)
        due = stale and (self._metrics is None or now - self._metrics_time >= interval or rebuilt
                         or not self.state.playing or self._metrics.iterations > tr.iterations)
        if due and (self.worker is None or self._metrics is None or rebuilt):
            self._take(tr.evaluation_now(), now)
        elif due and not self.worker.pending("evaluation"):
            self.worker.submit("evaluation", tr.evaluation_job().run)
            self._metrics_time = now
        m = self._metrics
        if m.iterations != tr.iterations or m.diverged != tr.diverged:
            m = dataclasses.replace(m, iterations=tr.iterations, rate=tr.rate, diverged=tr.diverged)
        return m

    def _dead_neurons(self, params: np.ndarray, iteration: int) -> tuple[int, int]:
        """The dead hidden neurons of the network shown (`params`: a copy no one writes), counted again
        when it changed: at once after a rebuild, or while paused when a count is cheap; else at most
        every METRICS_INTERVAL, and less often when a count is costly (4 x 256 neurons on digits8:
        0.2 s), so that it never takes more than DEAD_TIME_SHARE of the time, even while stepping or
        scrubbing. With a worker thread those later counts are made there, off the frame path."""
        tr, now = self.trainer, time.perf_counter()
        key = (tr.net, iteration)
        if self.worker is not None:
            counted = self.worker.take("dead-neuron count")
            if counted is not None and counted[0][0] is tr.net:
                (self._dead_key, self._dead_time, self._dead_cost), self._dead = counted
        cheap = not self.state.playing and self._dead_cost < DEAD_CHEAP
        rebuilt = self._dead_key is None or self._dead_key[0] is not tr.net
        if key != self._dead_key and (rebuilt or cheap
                                      or now - self._dead_time >= max(METRICS_INTERVAL, self._dead_cost / DEAD_TIME_SHARE)):
            if self.worker is None or rebuilt or cheap:
                self._dead = tr.dead_neurons(params)
                self._dead_cost = time.perf_counter() - now
                self._dead_key, self._dead_time = key, now
            elif not self.worker.pending("dead-neuron count"):
                self._dead_time = now  # not again before this one has had its time
                count = tr.dead_neurons_job(params)

                def timed():
                    t0 = time.perf_counter()
                    dead = count()
                    return (key, now, time.perf_counter() - t0), dead
                self.worker.submit("dead-neuron count", timed)
        return self._dead

    def _collect(self) -> None:
        """An evaluation the worker finished: taken in if it was made on the network trained now."""
        evaluation = self.worker.take("evaluation")
        if evaluation is not None and evaluation.network is self.trainer.net:
            self._take(evaluation, self._metrics_time)

    def _take(self, evaluation, when: float) -> None:
        tr = self.trainer
        metrics = tr.accept(evaluation)
        if metrics is None:
            return
        self._metrics = metrics
        self._results = evaluation.results
        self._metrics_time = when
        self._metrics_net = evaluation.network
        self._metrics_data = evaluation.dataset
        self._evaluation_seconds = evaluation.seconds

    def _wall_rate(self, iterations: int) -> float:
        now = time.perf_counter()
        if iterations < self._last_iterations:  # reset or rebuilt
            self._rate_window.clear()
        self._last_iterations = iterations
        self._rate_window.append((now, iterations))
        while len(self._rate_window) > 2 and now - self._rate_window[0][0] > 1.0:
            self._rate_window.pop(0)
        (t0, i0), (t1, i1) = self._rate_window[0], self._rate_window[-1]
        return (i1 - i0) / (t1 - t0) if t1 > t0 else 0.0

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
