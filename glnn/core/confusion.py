"""Which classes the network mixes up: confusion matrices and the misclassified samples of a split.

Pure numpy on top of the trainer's own evaluation (the Numba `evaluate` kernel over the whole
split, shared with the metrics), so a matrix costs one bincount, not another pass of the network.
"""
from __future__ import annotations

import dataclasses

import numpy as np

SPLITS = ("train", "test")


@dataclasses.dataclass(frozen=True)
class SplitResult:
    """How the network does on every sample of one split, at one iteration."""
    split: str
    iterations: int
    matrix: np.ndarray  # (classes, classes) int64: rows = true class, columns = predicted class
    wrong: np.ndarray  # indices (into the split) of the misclassified samples, ascending
    wrong_true: np.ndarray  # their true classes
    wrong_predicted: np.ndarray  # what the network said instead
    added: int = 0  # samples of the split added by hand (the last ones of the training set)
    added_right: int = 0  # how many of those the network answers right

    @property
    def total(self) -> int:
        return int(self.matrix.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.matrix))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true, predicted) pairs: rows true, columns predicted."""
    true = np.asarray(true, np.int64)
    predicted = np.asarray(predicted, np.int64)
    return np.bincount(true * n_classes + predicted, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _result(dataset, split: str, iterations: int, predicted: np.ndarray) -> SplitResult | None:
    labels = dataset.y_train if split == "train" else dataset.y_test
    if len(labels) == 0:
        return None
    wrong = np.flatnonzero(predicted != labels).astype(np.int32)
    added = dataset.added if split == "train" else 0
    added_right = int((predicted[len(labels) - added:] == labels[len(labels) - added:]).sum()) if added else 0
    return SplitResult(split, iterations, confusion_matrix(labels, predicted, dataset.n_classes),
                       wrong, labels[wrong].copy(), predicted[wrong].copy(), added, added_right)


def split_result(trainer, split: str) -> SplitResult | None:
    """The confusion matrix and the misclassified samples of `split` at the trainer's current weights (made
    with its evaluation: glnn.core.trainer.Evaluation.results); None when the dataset has no such split."""
    return trainer.evaluation_now().results.get(split)


def results(trainer) -> dict[str, SplitResult]:
    """SplitResult for each split the dataset has, at the trainer's current weights."""
    return dict(trainer.evaluation_now().results)


def results_of(dataset, iterations: int, splits: dict) -> dict[str, SplitResult]:
    """SplitResult for each split of an evaluation at `iterations` (splits: split -> (loss, accuracy,
    predicted classes), as glnn.core.trainer.Evaluation holds them)."""
    out = {}
    for split, (_, _, predicted) in splits.items():
        r = _result(dataset, split, iterations, predicted)
        if r is not None:
            out[split] = r
    return out


def curves(metric_x: np.ndarray, metric_y: np.ndarray) -> dict[str, np.ndarray]:
    """The train/test series of the metric history (History(…, 4) columns), contiguous for plotting,
    and the gap (train minus test accuracy; test minus train loss) that shows overfitting."""
    y = np.nan_to_num(np.asarray(metric_y, np.float64).reshape(len(metric_x), 4), posinf=0.0, neginf=0.0)
    series = {"x": np.ascontiguousarray(metric_x, np.float64)}
    for k, name in enumerate(("train_loss", "train_accuracy", "test_loss", "test_accuracy")):
        series[name] = np.ascontiguousarray(y[:, k])
    series["accuracy_gap"] = series["train_accuracy"] - series["test_accuracy"]
    series["loss_gap"] = series["test_loss"] - series["train_loss"]
    return series
