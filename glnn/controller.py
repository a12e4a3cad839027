"""App state and the commands that change it: the one place where input becomes action.

Data flows one way: the panel and the window handlers emit commands; `Controller.apply`
carries them out on the state and the trainer; each frame the controller trains, then
publishes a `Frame` (plain arrays and numbers) that the renderer and the panel only read.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import numpy as np

from glnn import scrub
from glnn.core import confusion, settings, step
from glnn.core.errors import GlnnError
from glnn.core.model import predicted_class
from glnn.core.trainer import Metrics, Trainer

FRAME_TRAIN_BUDGET = 0.010  # seconds of training per frame on the main thread at most
DIVERGED_NOTICE_SECONDS = 6.0  # how long "diverged, weights reset" stays on screen
METRICS_INTERVAL = 0.2  # seconds between full train/test evaluations while training runs
# While playing at more than one iteration per frame the scene steps through the training
# images at this pace: showing the last one trained would show the same digit every frame
# whenever the speed is a multiple of the number of images.
SHOW_SAMPLE_SECONDS = 0.15
# Commands that leave a step animation running; any other (play, step, reset, a new input...)
# ends it, before its weight update if that has not happened yet.
_KEEP_ANIMATION = {"animate", "save"}


@dataclasses.dataclass
class AppState:
    playing: bool = False
    speed: int = 20  # iterations per frame; 0 = as many as the worker thread manages
    train_n: int = 1000
    palette: str = "red-blue"
    glow: bool = True
    glow_strength: float = 1.0
    ui_scale: float = 1.0
    show_panel: bool = True
    show_help: bool = False
    log_x: bool = False
    # the input shown in the scene: None = follow training (the last trained sample)
    shown_input: np.ndarray | None = None
    shown_label: str = ""
    shown_index: int = -1  # the training image clicked, when shown_input is one
    drawing: np.ndarray | None = None  # the draw grid's pixels
    tab: str = "train"
    results_split: str = "test"  # the split the Results tab's confusion matrix shows
    caption: str = ""  # a line shown large over the scene (kiosk captions, video overlay)
    message: str = ""  # the outcome of the last save/load, shown in the panel
    network_file: str = "glnn-network.npz"
    receptive_fields: bool = False  # show each hidden neuron's incoming weights as a picture
    panel: tuple = settings.PANEL_PARTS  # which parts of the panel are shown
    kiosk: bool = False
    idle_timeout: float = 60.0
    cursor_hide: float = 3.0
    quit_chord: str = "ctrl+shift+q"
    screen: int = 0
    scrub_iteration: int = -1  # the timeline snapshot shown (its iteration), or -1 for the present
    animation_speed: float = 1.0  # pace of the step-through animation (1 = a second or so per layer)

    @classmethod
    def from_settings(cls, values: dict[str, Any], **fields: Any) -> "AppState":
        """The state from setting values (names that are no field of the state are left out), then `fields`."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{**{k: v for k, v in values.items() if k in names}, **fields})


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
    loss_x: np.ndarray
    loss_y: np.ndarray
    metric_x: np.ndarray
    metric_y: np.ndarray
    iterations_per_second: float  # achieved, wall clock
    # per split ("train", "test"): confusion matrix and misclassified samples, refreshed with the metrics
    results: dict[str, confusion.SplitResult] = dataclasses.field(default_factory=dict)
    timeline: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(1, np.int64))  # snapshot iterations
    scrubbed: int = -1  # the snapshot shown (an index into timeline), or -1 for the present
    live_iterations: int = 0  # iterations trained: "now", whatever the scene shows
    animation: step.AnimationView | None = None  # the step-through animation, while one runs

    def non_finite(self) -> list[str]:
        """Names of the shown numbers that are NaN or infinite (a self-check; none should ever be)."""
        arrays = {"params": self.params, "activations": self.activations, "outputs": self.outputs,
                  "loss curve": self.loss_y, "accuracy curve": self.metric_y}
        bad = [name for name, a in arrays.items() if not np.isfinite(a).all()]
        m = self.metrics
        for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "rate"):
            if not np.isfinite(getattr(m, name)):
                bad.append(name)
        if not np.isfinite(self.iterations_per_second):
            bad.append("iterations_per_second")
        return bad


class TrainingWorker:
    """Trains on a second thread while the main thread renders (the kernel releases the GIL).

    Used at speed "max". Each chunk holds the lock for about 2 ms; the main thread asks
    for the lock through `pause()`/`resume()` and is never starved.
    """

    def __init__(self, controller: "Controller"):
        self.controller = controller
        self.lock = controller.lock
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._main_waiting = threading.Event()
        self.chunk = 256
        self.thread = threading.Thread(target=self._loop, name="glnn-trainer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self._wanted.wait(0.05):
                continue
            if self._main_waiting.is_set():
                time.sleep(0.0005)
                continue
            with self.lock:
                trainer = self.controller.trainer
                t0 = time.perf_counter()
                done = trainer.steps(self.chunk)
                dt = time.perf_counter() - t0
            if done < self.chunk:
                self._wanted.clear()
            elif dt > 0:
                self.chunk = int(min(1 << 16, max(64, self.chunk * 0.002 / dt)))

    def set_running(self, running: bool) -> None:
        (self._wanted.set if running else self._wanted.clear)()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        self.thread.join(timeout=2)


class Controller:
    def __init__(self, trainer: Trainer, state: AppState, threaded: bool = True):
        self.trainer = trainer
        self.state = state
        self.lock = threading.Lock()
        self.worker = TrainingWorker(self) if threaded else None
        self._rate_window: list[tuple[float, int]] = []
        self._last_iterations = trainer.iterations
        self._metrics = None
        self._metrics_time = 0.0
        self._metrics_net = None  # the network the metrics were measured on (a rebuild makes a new one)
        self._results: dict[str, confusion.SplitResult] = {}
        self._diverged_since: float | None = None
        self.scrubber = scrub.Scrubber(METRICS_INTERVAL)
        self.animation: step.StepAnimation | None = None
        self.clock = time.monotonic  # drives the animation; tests and --animate-at put their own
        self.state.drawing = np.zeros(trainer.dataset.n_inputs, np.float32) if trainer.dataset.image_shape else None

    # -- commands ---------------------------------------------------------------------------
    def apply(self, command: str, *args: Any) -> None:
        """Carry out one command. Unknown commands are a programming error, not user input."""
        s, tr = self.state, self.trainer
        if command not in _KEEP_ANIMATION and not (command == "set" and args[0] not in settings.TRAIN_KEYS):
            self.animation = None
        with self._locked():
            if s.scrub_iteration >= 0 and scrub.returns_to_now(command, args):
                s.scrub_iteration = -1
            if command in scrub.COMMANDS:
                self.scrubber.apply(command, args, s, tr)
            elif command == "animate":
                self._animate(str(args[0]))
            elif command == "toggle_play":
                s.playing = not s.playing
            elif command == "play":
                s.playing = bool(args[0])
            elif command == "step":
                s.playing = False
                tr.steps(1)
                s.shown_input = None
            elif command == "train":
                tr.steps(int(args[0]))
                s.shown_input = None
            elif command == "reset":
                tr.reset()
                s.shown_input = None
            elif command == "set":
                name, value = args
                if name in settings.TRAIN_KEYS:
                    try:
                        rebuilt = tr.update(**{name: value})
                    except GlnnError as e:  # e.g. digits8 without scikit-learn: say so, keep the network
                        s.message = str(e)
                        return
                    s.message = ""
                    if rebuilt:
                        s.shown_input = None
                        shape = tr.dataset.image_shape
                        if s.drawing is None or len(s.drawing) != tr.dataset.n_inputs:
                            s.drawing = np.zeros(tr.dataset.n_inputs, np.float32) if shape else None
                else:
                    setattr(s, name, settings.BY_NAME[name].check(value) if name in settings.BY_NAME else value)
            elif command == "show_sample":
                index = int(args[0])
                s.shown_input = tr.dataset.x_train[index].copy()
                s.shown_index = index
                s.shown_label = f"training image {tr.dataset.class_names[tr.dataset.y_train[index]]}"
            elif command == "show_input":
                s.shown_input = np.asarray(args[0], np.float32).copy()
                s.shown_index = -1
                s.shown_label = str(args[1]) if len(args) > 1 else "your drawing"
            elif command == "follow_training":
                s.shown_input = None
            elif command == "save":
                try:
                    tr.save(args[0])
                    s.message = f"saved {args[0]}"
                except GlnnError as e:
                    s.message = str(e)
            elif command == "load":
                try:
                    self.trainer = Trainer.from_file(args[0])
                    s.shown_input = None
                    s.playing = False
                    s.message = f"loaded {args[0]}"
                except GlnnError as e:
                    s.message = str(e)
            else:
                raise ValueError(f"unknown command {command!r}")

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
        if self.worker is None:
            return _NoLock()
        return _MainThreadLock(self.worker)

    # -- per frame ---------------------------------------------------------------------------
    def advance(self) -> None:
        """Train for this frame: inline at a fixed speed, on the worker thread at speed max."""
        s = self.state
        if s.playing:
            s.scrub_iteration = -1  # whatever started training (a kiosk demo, say) ends a look back
        threaded_max = self.worker is not None and s.playing and s.speed == 0
        if self.worker is not None:
            self.worker.set_running(threaded_max)
        if s.playing and not threaded_max:
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
            lx, ly = tr.loss_history.points()
            mx, my = tr.metric_history.points()
            frame = Frame(
                params=params.copy(),
                activations=np.concatenate(layers),
                layer_sizes=tr.arch.sizes,
                outputs=layers[-1],
                prediction=predicted_class(layers[-1]),
                input_index=index,
                picked_index=picked,
                metrics=metrics,
                loss_x=lx.copy(), loss_y=ly[:, 0].copy(),
                metric_x=mx.copy(), metric_y=my.copy(),
                iterations_per_second=self._wall_rate(tr.iterations),
                results=self._results,
                timeline=tr.timeline.iterations.copy(),
                scrubbed=shown,
                live_iterations=tr.iterations,
            )
        if self.animation is not None:
            frame = self._animated(frame, self.animation.view())
        return frame

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
        big networks, so while training runs it happens a few times a second, not every frame."""
        tr = self.trainer
        now = time.perf_counter()
        rebuilt = self._metrics_net is not tr.net  # new dataset or architecture, even at the same iteration
        stale = self._metrics is None or self._metrics.iterations != tr.iterations or rebuilt
        if stale and (self._metrics is None or now - self._metrics_time >= METRICS_INTERVAL or rebuilt
                      or not self.state.playing or self._metrics.iterations > tr.iterations):
            self._metrics = tr.record_metrics()
            self._results = confusion.results(tr)  # reuses the evaluation record_metrics just made
            self._metrics_time = now
            self._metrics_net = tr.net
        m = self._metrics
        if m.iterations != tr.iterations or m.diverged != tr.diverged:
            m = dataclasses.replace(m, iterations=tr.iterations, rate=tr.rate, diverged=tr.diverged)
        return m

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


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _MainThreadLock:
    """Takes the trainer lock from the main thread, asking the worker to yield first."""

    def __init__(self, worker: TrainingWorker):
        self.worker = worker

    def __enter__(self):
        self.worker._main_waiting.set()
        self.worker.lock.acquire()
        return self

    def __exit__(self, *exc):
        self.worker.lock.release()
        self.worker._main_waiting.clear()
        return False
