"""Datasets, all shipped in this file or generated: nothing is downloaded.

Every dataset is a classification task: float32 inputs in 0..1 (or -1..1 for the 2-D
point sets), integer labels, and a held-out test set where one makes sense.
A dataset with two classes uses one output neuron (label 1 = "on").
"""
from __future__ import annotations

import csv
import dataclasses
import math
import os
from functools import lru_cache

import numpy as np

from glnn.core import features as features_mod
from glnn.core.errors import GlnnError, reading

# Ten 5x5 digits, drawn for glnn. '#' is ink (1.0), '.' is paper (0.0).
DIGITS5_ART = (
    ".###. #...# #...# #...# .###.",  # 0
    "..#.. .##.. ..#.. ..#.. .###.",  # 1
    "####. ....# .###. #.... #####",  # 2
    "####. ....# ..##. ....# ####.",  # 3
    "#..#. #..#. ##### ...#. ...#.",  # 4
    "##### #.... ####. ....# ####.",  # 5
    ".###. #.... ####. #...# .###.",  # 6
    "##### ....# ...#. ..#.. ..#..",  # 7
    ".###. #...# .###. #...# .###.",  # 8
    ".###. #...# .#### ....# .###.",  # 9
)

# 001's seven examples: the answer is the XOR of the first two columns; the third is noise.
XOR3_X = ((0, 0, 1), (0, 1, 1), (1, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 1), (0, 0, 0))
XOR3_NOVEL = (1, 1, 0)  # never trained on; the right answer is 0

POINT_SETS = ("circle", "xor", "gauss", "spiral")


@dataclasses.dataclass(frozen=True)
class Dataset:
    name: str
    x_train: np.ndarray  # (n, inputs) float32, C-contiguous
    y_train: np.ndarray  # (n,) int32
    x_test: np.ndarray  # (m, inputs) float32, m may be 0
    y_test: np.ndarray
    n_classes: int
    class_names: tuple[str, ...]
    image_shape: tuple[int, int] | None  # inputs drawn as an image (digits) or None
    description: str
    # 2-D sets whose inputs are features of the points (with_features): the points themselves, (n, 2)
    points_train: np.ndarray | None = None
    points_test: np.ndarray | None = None
    features: tuple[str, ...] = ()  # the inputs' names (glnn.core.features); () = the inputs are the points
    added: int = 0  # the last `added` training samples were added by hand (see with_added)

    @property
    def n_inputs(self) -> int:
        return self.x_train.shape[1]

    @property
    def sample_width(self) -> int:
        """The numbers of one sample as a person gives it (with_added): a point's two coordinates for a
        set whose inputs are features of its points, else the inputs themselves."""
        return 2 if self.points_train is not None else self.n_inputs

    @property
    def n_outputs(self) -> int:
        return 1 if self.n_classes == 2 else self.n_classes

    @property
    def has_test(self) -> bool:
        return len(self.y_test) > 0

    @property
    def has_plane(self) -> bool:
        """A set of points of the plane (x1, x2): it has a decision map, whatever its inputs are."""
        return self.points_train is not None or (self.image_shape is None and self.n_inputs == 2)

    @property
    def plane_train(self) -> np.ndarray:
        """The training points on the plane, (n, 2) (only for has_plane)."""
        return self.x_train if self.points_train is None else self.points_train

    @property
    def plane_test(self) -> np.ndarray:
        return self.x_test if self.points_test is None else self.points_test

    @property
    def input_features(self) -> tuple[str, ...]:
        """The feature each input is, for sets with a plane: ("x1", "x2") unless with_features chose others."""
        return self.features or (features_mod.DEFAULT if self.has_plane else ())

    def inputs_at(self, points: np.ndarray) -> np.ndarray:
        """The network's inputs for points (n, 2) of the plane: the same features as the data."""
        return features_mod.expand(points, self.input_features)

    @property
    def noun(self) -> str:
        """What one sample is called on screen: an image (the digits), a point (the 2-D sets) or a
        pattern (xor3's rows of bits)."""
        if self.image_shape is not None:
            return "image"
        return "point" if self.has_plane else "pattern"

    def sample_text(self, x: np.ndarray) -> str:
        """A sample without a picture, written out: [1, 1, 0]."""
        return "[" + ", ".join(f"{v:g}" for v in np.asarray(x).tolist()) + "]"

    def test_figure(self, accuracy: float) -> tuple[str, str]:
        """The test result as (name, value): ("test accuracy", "64%"). A test set of one sample (xor3's
        unseen pattern) has no accuracy worth a percentage: 100 % there means that one answer is right,
        even at iteration 0, so it is ("new pattern [1, 1, 0]", "right") or "wrong"."""
        accuracy = accuracy if math.isfinite(accuracy) else 0.0
        if len(self.y_test) == 1:
            return f"new {self.noun} {self.sample_text(self.x_test[0])}", "right" if accuracy >= 0.5 else "wrong"
        return "test accuracy", f"{accuracy * 100:.0f}%"


def _bitmap(art: str) -> np.ndarray:
    rows = art.split()
    assert len(rows) == 5 and all(len(r) == 5 for r in rows), art
    return np.array([[c == "#" for c in row] for row in rows], dtype=np.float32).ravel()


def _digits5_test(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Perturbed copies of each digit: every one-pixel shift, and fixed pixel flips.

    Deterministic (no random generator) so the held-out set is the same everywhere.
    Variants that coincide with another training image, or vanish, are dropped.
    """
    xs, ys = [], []
    for label, flat in enumerate(train):
        img = flat.reshape(5, 5)
        variants = []
        for dr, dc in ((0, 1), (0, -1), (1, 0), (-1, 0)):
            shifted = np.zeros_like(img)
            src = img[max(0, -dr):5 - max(0, dr), max(0, -dc):5 - max(0, dc)]
            shifted[max(0, dr):max(0, dr) + src.shape[0], max(0, dc):max(0, dc) + src.shape[1]] = src
            variants.append(shifted.ravel())
        for k in range(4):  # one flipped pixel each, spread over the image
            v = flat.copy()
            v[(label * 7 + k * 6) % 25] = 1.0 - v[(label * 7 + k * 6) % 25]
            variants.append(v)
        for k in range(2):  # two flipped pixels
            v = flat.copy()
            for p in ((label * 3 + k * 11) % 25, (label * 5 + k * 13 + 4) % 25):
                v[p] = 1.0 - v[p]
            variants.append(v)
        for v in variants:
            if v.sum() > 0 and not any(np.array_equal(v, t) for t in train):
                xs.append(v)
                ys.append(label)
    return np.array(xs, dtype=np.float32), np.array(ys, dtype=np.int32)


def digits5() -> Dataset:
    x = np.stack([_bitmap(a) for a in DIGITS5_ART])
    y = np.arange(10, dtype=np.int32)
    xt, yt = _digits5_test(x)
    return Dataset("digits5", x, y, xt, yt, 10, tuple("0123456789"), (5, 5),
                   "ten 5x5 digits; test set: the same digits shifted by one or with pixels flipped")


def xor3() -> Dataset:
    x = np.array(XOR3_X, dtype=np.float32)
    y = (x[:, 0] != x[:, 1]).astype(np.int32)
    xt = np.array([XOR3_NOVEL], dtype=np.float32)
    yt = np.array([0], dtype=np.int32)
    return Dataset("xor3", x, y, xt, yt, 2, ("0", "1"), None,
                   "3 inputs, answer = first XOR second; test: the unseen case [1, 1, 0]")


DIGITS8_SHAPE = (1797, 65)  # scikit-learn's digits.csv.gz: 64 pixels (0..16) and the digit, per row


def _digits8_table() -> np.ndarray | None:
    """scikit-learn's 8x8 digits read straight from the file it ships (datasets/data/digits.csv.gz),
    without importing scikit-learn, which takes longer than the rest of glnn's start; None when the
    file is not where it has always been."""
    import importlib.util
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "datasets", "data", "digits.csv.gz")
    try:
        table = np.loadtxt(path, delimiter=",")
    except (OSError, ValueError):
        return None
    return table if table.shape == DIGITS8_SHAPE else None


def digits8(table: np.ndarray | None = None) -> Dataset:
    """table: the rows of scikit-learn's digits (pixels, then the digit); read from scikit-learn's file,
    or through load_digits if that fails."""
    if table is None:
        table = _digits8_table()
    if table is None:
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise GlnnError("dataset digits8 needs scikit-learn: pip install '.[digits8]' in glnn's source "
                            "folder") from None
        bunch = load_digits()  # shipped inside scikit-learn; no download
        table = np.column_stack([bunch.data, bunch.target])
    x = (table[:, :64] / 16.0).astype(np.float32)
    y = table[:, 64].astype(np.int32)
    order = np.random.RandomState(0).permutation(len(y))  # legacy generator: stable across numpy versions
    train, test = order[:1347], order[1347:]
    return Dataset("digits8", np.ascontiguousarray(x[train]), y[train], np.ascontiguousarray(x[test]), y[test],
                   10, tuple("0123456789"), (8, 8), "1,797 handwritten 8x8 digits (scikit-learn), 1,347 train / 450 test")


def points(kind: str, n: int = 400, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.5) -> Dataset:
    """Two-class 2-D point sets in the style of TensorFlow Playground, inputs in -1..1.

    `noise` (0..0.5) scatters every point by a normal of 0.3 * noise; `train_ratio` of the points
    train, the rest test. The same seed draws the same points whatever the two: more noise moves
    each point further along the same direction, another ratio moves points between the splits."""
    rng = np.random.RandomState(seed)
    half = n // 2
    if kind == "circle":
        r = np.concatenate([rng.uniform(0, 0.45, half), rng.uniform(0.65, 0.95, n - half)])
        a = rng.uniform(0, 2 * np.pi, n)
        xy = np.stack([r * np.cos(a), r * np.sin(a)], 1)
        y = (np.arange(n) < half).astype(np.int32)
    elif kind == "xor":
        xy = rng.uniform(-1, 1, (n, 2))
        xy += np.sign(xy) * 0.05  # a small gap around the axes
        y = (xy[:, 0] * xy[:, 1] > 0).astype(np.int32)
    elif kind == "gauss":
        y = (np.arange(n) < half).astype(np.int32)
        centre = np.where(y[:, None] == 1, 0.45, -0.45)
        xy = centre + rng.normal(0, 0.22, (n, 2))
    elif kind == "spiral":
        t = np.tile(np.linspace(0.05, 1.0, half), 2)[:n]
        y = (np.arange(n) < half).astype(np.int32)
        a = 1.75 * 2 * np.pi * t + np.where(y == 1, 0.0, np.pi)
        xy = np.stack([t * np.cos(a), t * np.sin(a)], 1) * 0.95
    else:
        raise GlnnError(f"unknown point set {kind!r}")
    xy = xy + rng.normal(0, noise * 0.3, xy.shape)
    xy = np.clip(xy, -1, 1).astype(np.float32)
    order = rng.permutation(n)
    xy, y = xy[order], y[order]
    cut = int(np.clip(round(n * train_ratio), 1, n - 1))
    return Dataset(kind, np.ascontiguousarray(xy[:cut]), y[:cut], np.ascontiguousarray(xy[cut:]), y[cut:],
                   2, ("0", "1"), None, f"2-D points, two classes ({kind}), {cut} train / {n - cut} test")


def with_features(ds: Dataset, names) -> Dataset:
    """A 2-D set whose inputs are the given features of its points (glnn.core.features), in canonical
    order; the points stay as they are (the decision map shows them). ("x1", "x2") is `ds` itself."""
    names = features_mod.canonical(names)
    if not ds.has_plane:
        raise GlnnError(f"input features are for 2-D point sets; {ds.name} is not one")
    if names == ds.input_features:
        return ds
    train, test = ds.plane_train, ds.plane_test
    return dataclasses.replace(ds, x_train=features_mod.expand(train, names), x_test=features_mod.expand(test, names),
                               points_train=train, points_test=test, features=names)


def for_settings(settings: dict) -> Dataset:
    """The dataset that training settings choose, as loaded (without examples added by hand): a .csv
    file drawn as its image_shape says, a generated 2-D set drawn with their noise and train_ratio,
    any other by name; a 2-D set's inputs are their features."""
    name = settings["dataset"]
    if name in POINT_SETS:
        ds = points(name, noise=settings["noise"], train_ratio=settings["train_ratio"])
    else:
        ds = open_dataset(name, settings.get("image_shape", "none"))
    return with_features(ds, settings["features"]) if ds.has_plane else ds


@lru_cache(maxsize=None)
def load(name: str) -> Dataset:
    if name == "digits5":
        return digits5()
    if name == "xor3":
        return xor3()
    if name == "digits8":
        return digits8()
    if name in POINT_SETS:
        return points(name)
    raise GlnnError(f"unknown dataset {name!r}")


# -- your own data: CSV files, and examples added by hand -------------------------------------------
# Separate functions from the built-in sets above, so that changes to those merge without trouble.
MAX_ROWS = 100_000  # samples a CSV file may hold
MAX_FEATURES = 256  # feature columns: each is an input neuron on screen
MAX_CLASSES = 64  # distinct labels: each is an output neuron
MAX_FILE_BYTES = 256 << 20  # refused before reading: no file within the limits above is this big
IMAGE_SHAPES = {"5x5": (5, 5), "8x8": (8, 8)}  # settings.IMAGE_SHAPES but "none"


def open_dataset(name: str, image_shape: str = "none") -> Dataset:
    """The training data a `dataset` setting names: a built-in set, or a CSV file (settings.is_csv).
    `image_shape` ("none", "5x5", "8x8") says how a CSV file's feature columns are drawn."""
    from glnn.core.settings import is_csv
    shape = IMAGE_SHAPES.get(image_shape)
    if is_csv(name):
        return read_csv(name, shape)
    ds = load(name)
    if shape is not None and shape != ds.image_shape:
        raise GlnnError(f"image shape {image_shape} is for .csv datasets; {name} has "
                        f"{'no images' if ds.image_shape is None else 'images of its own'}")
    return ds


def read_csv(path, image_shape: tuple[int, int] | None = None) -> Dataset:
    """A dataset from a CSV file: a header row, then one sample per row, numeric feature columns and
    a last column `label` of whole numbers (the classes; any integers, at least two distinct).

    Every row is a training sample (there is no test split). Two feature columns make a 2-D point
    set (the decision map); with image_shape the feature columns are the pixels of an image, row by
    row. Anything wrong raises a one-line GlnnError naming the file and, where there is one, the
    line: "my.csv:3: 'abc' is not a number (column x2)".
    """
    shown = str(path)
    text = _read_text(shown)
    numbered = [(k + 1, line.strip()) for k, line in enumerate(text.split("\n")) if line.strip()]
    if not numbered:
        raise GlnnError(f"{shown}: empty file; expected a header row such as x1,x2,label, then one sample per row")
    head_no, head = numbered[0]
    names = [name.strip() for name in next(csv.reader([head]))]
    if names[-1].lower() != "label":
        first = "the first row must name the columns, " if _is_number(names[-1]) else ""
        raise GlnnError(f"{shown}:{head_no}: {first}the last column must be 'label', got {names[-1]!r}")
    n_features = len(names) - 1
    if not 1 <= n_features <= MAX_FEATURES:
        raise GlnnError(f"{shown}:{head_no}: {n_features} feature columns; glnn takes 1 to {MAX_FEATURES} "
                        "before the label")
    if image_shape is not None and image_shape[0] * image_shape[1] != n_features:
        rows, cols = image_shape
        raise GlnnError(f"{shown}:{head_no}: image shape {rows}x{cols} needs {rows * cols} feature columns, "
                        f"the header has {n_features}")
    samples = numbered[1:]
    if not samples:
        raise GlnnError(f"{shown}: no samples after the header row")
    if len(samples) > MAX_ROWS:
        raise GlnnError(f"{shown}:{samples[MAX_ROWS][0]}: more than {MAX_ROWS:,} samples; glnn reads at most "
                        f"{MAX_ROWS:,} rows")
    table = _numbers(shown, samples, names)
    labels = table[:, -1]
    whole = (labels == np.round(labels)) & (np.abs(labels) < 2**31)
    if not whole.all():
        no, line = samples[int(np.argmin(whole))]
        raise GlnnError(f"{shown}:{no}: label {_cells(line)[-1]!r} is not a whole number")
    classes = np.unique(labels)
    if len(classes) < 2:
        raise GlnnError(f"{shown}: every sample has label {int(classes[0])}; a classifier needs at least two classes")
    if len(classes) > MAX_CLASSES:
        raise GlnnError(f"{shown}: {len(classes)} different labels; glnn takes at most {MAX_CLASSES} classes")
    too_big = (np.abs(table[:, :-1]) > np.finfo(np.float32).max).any(axis=1)
    if too_big.any():
        no, _ = samples[int(np.argmax(too_big))]
        raise GlnnError(f"{shown}:{no}: a number too large for glnn (beyond ±3.4e38)")
    x = np.ascontiguousarray(table[:, :-1], np.float32)
    y = np.searchsorted(classes, labels).astype(np.int32)
    kind = (f"{image_shape[0]}x{image_shape[1]} images" if image_shape else
            "2-D points" if n_features == 2 else f"{n_features} features")
    return Dataset(shown, x, y, np.zeros((0, n_features), np.float32), np.zeros(0, np.int32), len(classes),
                   tuple(str(int(c)) for c in classes), image_shape,
                   f"{len(y):,} samples from {os.path.basename(shown)}: {kind}, {len(classes)} classes; no test set")


def _read_text(shown: str) -> str:
    try:
        with reading(shown):
            size = os.stat(shown).st_size
            if os.path.isdir(shown):
                raise IsADirectoryError
            if size > MAX_FILE_BYTES:
                raise GlnnError(f"{shown}: {size / 2**20:,.0f} MB is too big (glnn reads at most {MAX_ROWS:,} rows)")
            with open(shown, "rb") as f:
                raw = f.read()
    except OSError as e:
        raise GlnnError(f"{shown}: cannot read: {e.strerror or e}") from None
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark, as some spreadsheets write, is fine
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise GlnnError(f"{shown}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line]))]


def _numbers(shown: str, samples: list[tuple[int, str]], names: list[str]) -> np.ndarray:
    """The sample rows as one float64 table (n, columns); the first bad row raises, naming its line."""
    try:  # the common case, numbers and commas only, converted by numpy in one go
        table = np.array([line.split(",") for _, line in samples], dtype=np.float64)
        if table.ndim == 2 and table.shape[1] == len(names) and np.isfinite(table).all():
            return table
    except ValueError:
        pass
    rows = []  # something is wrong, or quoted: read it row by row to say where
    for no, line in samples:
        cells = _cells(line)
        if len(cells) != len(names):
            what = "a missing column" if len(cells) < len(names) else "an extra column"
            header = ",".join(names) if len(names) <= 8 else f"{names[0]},...,{names[-1]}"
            raise GlnnError(f"{shown}:{no}: {what}: {len(cells)} values, the header names {len(names)} ({header})")
        row = []
        for cell, name in zip(cells, names):
            try:
                value = float(cell)
            except ValueError:
                raise GlnnError(f"{shown}:{no}: {cell!r} is not a number (column {name})") from None
            if not np.isfinite(value):
                raise GlnnError(f"{shown}:{no}: {cell!r} is not a finite number (column {name})")
            row.append(value)
        rows.append(row)
    return np.array(rows, np.float64)


def with_added(base: Dataset, samples: np.ndarray, y: np.ndarray) -> Dataset:
    """`base` with samples (k, sample_width), labels y (k,) appended to its training set as added by
    hand. A sample is what the person gave: a drawing's pixels, or a point of the plane, which for a
    set with input features becomes those features of it."""
    if len(y) == 0:
        return base
    samples = np.asarray(samples, np.float32)
    changes = {}
    if base.points_train is not None:  # the inputs are features of the points
        changes["points_train"] = np.ascontiguousarray(np.concatenate([base.points_train, samples]))
        samples = base.inputs_at(samples)
    return dataclasses.replace(
        base, x_train=np.ascontiguousarray(np.concatenate([base.x_train, samples])),
        y_train=np.concatenate([base.y_train, np.asarray(y, np.int32)]), added=int(len(y)), **changes)


def feature_names(dataset: Dataset) -> list[str]:
    """Column names for a CSV file of the dataset: r1c1.. for images, x1, x2.. otherwise."""
    if dataset.image_shape is not None:
        rows, cols = dataset.image_shape
        return [f"r{r + 1}c{c + 1}" for r in range(rows) for c in range(cols)]
    return [f"x{k + 1}" for k in range(dataset.sample_width)]


def csv_text(dataset: Dataset) -> str:
    """The training set (the samples added by hand included) as CSV text that read_csv reads back to
    the same numbers: each column with the fewest digits (6 to 9) that give back its float32 values;
    labels written as the class names when these are whole numbers (a file's own labels), else 0, 1..
    A set whose inputs are features of its points is written as the points: the features are a setting."""
    x, y = (dataset.x_train if dataset.points_train is None else dataset.points_train), dataset.y_train
    names = dataset.class_names
    labels = np.array([int(n) for n in names]) if all(_is_whole(n) for n in names) else np.arange(len(names))
    columns = [_column_text(x[:, k]) for k in range(x.shape[1])] + [labels[y].astype(str)]
    rows = columns[0]
    for column in columns[1:]:
        rows = np.char.add(np.char.add(rows, ","), column)
    return ",".join(feature_names(dataset) + ["label"]) + "\n" + "".join(line + "\n" for line in rows.tolist())


def _is_whole(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _column_text(values: np.ndarray) -> np.ndarray:
    for digits in (6, 7, 8, 9):  # float32 needs at most 9 significant digits to come back exactly
        text = np.char.mod(f"%.{digits}g", values.astype(np.float64))
        if np.array_equal(text.astype(np.float64).astype(np.float32), values):
            return text
    return text


def write_csv(path, dataset: Dataset) -> int:
    """Write the training set to a CSV file (see csv_text), atomically. Returns the number of samples."""
    from glnn.core.model import write_atomically
    content = csv_text(dataset).encode("utf-8")
    write_atomically(path, lambda f: f.write(content))
    return len(dataset.y_train)
