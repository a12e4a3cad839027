"""Your own data file: `--dataset my.csv` (reading, every way a file can be wrong, the settings that
accept it), `Save data` (writing it back, atomically), and what --load does with a network trained
on a CSV file. The command-line tests run glnn as a user does: a subprocess, its exit status and
its output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glnn import exhibit
from glnn.core import data, settings
from glnn.core.errors import GlnnError
from glnn.core.trainer import Trainer

ROOT = Path(__file__).resolve().parent.parent


def glnn(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return subprocess.run([sys.executable, "-m", "glnn", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=180, stdin=subprocess.DEVNULL)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused run (exit 2, no traceback)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glnn: "), result.stderr
    return lines[0]


def write_blobs(path: Path, n: int = 400, seed: int = 0) -> None:
    """Two Gaussian blobs, far from the origin and not scaled to -1..1, labels 3 and 7."""
    rng = np.random.default_rng(seed)
    label = np.where(np.arange(n) % 2 == 0, 3, 7)
    centre = np.where(label[:, None] == 3, [2.0, 5.0], [4.5, 2.5])
    xy = centre + rng.normal(0, 0.6, (n, 2))
    lines = ["width,height,label"] + [f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(xy, label)]
    path.write_text("\n".join(lines) + "\n")


def read_error(tmp_path, text: str | bytes, image_shape=None, name: str = "my.csv") -> str:
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    with pytest.raises(GlnnError) as info:
        data.read_csv(str(path), image_shape)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message[len(str(path)):]


# -- reading -------------------------------------------------------------------------------------
def test_a_point_file_becomes_a_two_class_point_set(tmp_path):
    path = tmp_path / "blobs.csv"
    write_blobs(path, 10)
    ds = data.read_csv(str(path))
    assert ds.x_train.shape == (10, 2) and ds.x_train.dtype == np.float32 and ds.x_train.flags.c_contiguous
    assert ds.class_names == ("3", "7") and ds.n_classes == 2 and ds.n_outputs == 1
    assert list(ds.y_train[:4]) == [0, 1, 0, 1]  # the labels 3, 7 become classes 0, 1 in order
    assert not ds.has_test and ds.x_test.shape == (0, 2) and ds.image_shape is None
    rows = path.read_text().splitlines()[1:3]
    assert np.allclose(ds.x_train[:2], [[float(v) for v in r.split(",")[:2]] for r in rows])


def test_an_image_file_with_its_shape(tmp_path):
    digits = data.load("digits5")
    lines = [",".join(f"p{k}" for k in range(25)) + ",label"]
    lines += [",".join(str(int(v)) for v in x) + f",{y}" for x, y in zip(digits.x_train, digits.y_train)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    ds = data.read_csv(str(tmp_path / "d.csv"), (5, 5))
    assert ds.image_shape == (5, 5) and ds.class_names == tuple("0123456789")
    assert np.array_equal(ds.x_train, digits.x_train) and np.array_equal(ds.y_train, digits.y_train)
    assert "needs 64 feature columns, the header has 25" in read_error(tmp_path, "\n".join(lines), (8, 8))


def test_quotes_spaces_blank_lines_crlf_and_a_byte_order_mark_are_fine(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes('\ufeff"x1", x2 ,label\r\n\r\n 0.5 ,"-1",0\r\n1e-1,2,1\r\n\r\n'.encode("utf-8"))
    ds = data.read_csv(str(path))
    assert np.allclose(ds.x_train, [[0.5, -1.0], [0.1, 2.0]]) and list(ds.y_train) == [0, 1]


@pytest.mark.parametrize("text, expected", [
    ("x1,x2,label\n1,2,0\n1,abc,1\n", ":3: 'abc' is not a number (column x2)"),
    ("x1,x2,label\n1,2,0\n\n1,2\n", ":4: a missing column: 2 values, the header names 3 (x1,x2,label)"),
    ("x1,x2,label\n1,2,0\n3,4,1,5\n", ":3: an extra column: 4 values, the header names 3 (x1,x2,label)"),
    ("x1,x2,label\n1,2,0\n3,,1\n", ":3: '' is not a number (column x2)"),
    ("x1,x2,label\n1,nan,0\n3,4,1\n", ":2: 'nan' is not a finite number (column x2)"),
    ("x1,x2,label\n1,2,0\n3,4,1.5\n", ":3: label '1.5' is not a whole number"),
    ("x1,x2,label\n1,2,4\n3,4,4\n", ": every sample has label 4; a classifier needs at least two classes"),
    ("x1,x2,class\n1,2,0\n", ":1: the last column must be 'label', got 'class'"),
    ("1,2,0\n3,4,1\n", ":1: the first row must name the columns, the last column must be 'label', got '0'"),
    ("label\n1\n2\n", ":1: 0 feature columns; glnn takes 1 to 256 before the label"),
    ("x1,x2,label\n", ": no samples after the header row"),
    ("", ": empty file; expected a header row such as x1,x2,label, then one sample per row"),
    ("\n  \n", ": empty file; expected a header row such as x1,x2,label, then one sample per row"),
    ("x1,x2,label\n1,2,0\n1e39,2,1\n", ":3: a number too large for glnn (beyond ±3.4e38)"),
    (b"x1,x2,label\n1,2,0\n3,4,1\n5,6,\xff\n", ":4: not UTF-8 text (byte 0xff); save the file as UTF-8"),
])
def test_a_bad_file_is_refused_in_one_line_naming_the_line(tmp_path, text, expected):
    assert read_error(tmp_path, text) == expected


def test_more_than_100000_rows_are_refused_naming_the_first_line_too_many(tmp_path):
    rows = np.arange(data.MAX_ROWS + 1) % 2
    text = "x,label\n" + "".join(f"{v},{v}\n" for v in rows)
    assert read_error(tmp_path, text) == f":{data.MAX_ROWS + 2}: more than 100,000 samples; glnn reads at most 100,000 rows"
    (tmp_path / "ok.csv").write_text("x,label\n" + "".join(f"{v},{v}\n" for v in rows[:-1]))
    assert len(data.read_csv(str(tmp_path / "ok.csv")).y_train) == data.MAX_ROWS  # exactly the limit is fine


def test_missing_file_and_directory_are_one_line_errors(tmp_path):
    for path, said in ((tmp_path / "none.csv", "no such file"), (tmp_path, "is a directory")):
        with pytest.raises(GlnnError, match=said):
            data.read_csv(str(path))


# -- the dataset setting -------------------------------------------------------------------------
def test_the_dataset_setting_takes_a_csv_path_but_no_other_file():
    s = settings.BY_NAME["dataset"]
    assert s.check("my.csv") == "my.csv" and s.check("/data/Visitors.CSV") == "/data/Visitors.CSV"
    assert s.check("spiral") == "spiral"
    for bad in ("my.txt", ".csv", "mnist", 3):
        with pytest.raises(GlnnError, match="a file ending in .csv"):
            s.check(bad)


def test_image_shape_is_for_csv_files(tmp_path):
    assert data.open_dataset("digits5", "5x5").image_shape == (5, 5)  # agrees: fine
    with pytest.raises(GlnnError, match="image shape 5x5 is for .csv datasets; gauss has no images"):
        data.open_dataset("gauss", "5x5")


def test_an_exhibit_config_names_a_csv_beside_it(tmp_path):
    folder = tmp_path / "exhibit"
    folder.mkdir()
    write_blobs(folder / "visitors.csv", 20)
    (folder / "exhibit.toml").write_text('[train]\ndataset = "visitors.csv"\n\n[[attract]]\naction = "dataset"\n'
                                         'dataset = "visitors.csv"\n')
    ex = exhibit.load(folder / "exhibit.toml")
    assert ex.settings["dataset"] == str(folder / "visitors.csv") and ex.script[0].dataset == str(folder / "visitors.csv")
    assert "| a file.csv)" in exhibit.default_text()
    (folder / "bad.toml").write_text('[train]\ndataset = "visitors.txt"\n')
    with pytest.raises(GlnnError, match="bad.toml: train.dataset: expected one of .* or a file ending in .csv"):
        exhibit.load(folder / "bad.toml")


# -- writing -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["digits5", "spiral", "xor3"])
def test_save_data_reads_back_to_the_same_numbers(tmp_path, name):
    ds = data.load(name)
    path = tmp_path / "out.csv"
    assert data.write_csv(str(path), ds) == len(ds.y_train)
    back = data.read_csv(str(path), ds.image_shape)
    assert np.array_equal(back.x_train, ds.x_train) and np.array_equal(back.y_train, ds.y_train)
    assert back.class_names == ds.class_names
    header = path.read_text().splitlines()[0]
    assert header.endswith(",label") and (header.startswith("r1c1,r1c2") if ds.image_shape else header.startswith("x1"))


def test_save_data_keeps_a_files_own_labels_and_the_examples_added(tmp_path):
    write_blobs(tmp_path / "blobs.csv", 8)
    tr = Trainer({"dataset": str(tmp_path / "blobs.csv")})
    tr.add_example([0.25, -0.5], 1)  # class 1 is label 7
    data.write_csv(str(tmp_path / "out.csv"), tr.dataset)
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines[0] == "x1,x2,label" and lines[-1] == "0.25,-0.5,7" and len(lines) == 1 + 8 + 1
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} == {"3", "7"}


def test_save_data_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    ds = data.load("digits5")

    def full_disk(fd):  # the data is written, but never reaches the disk
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(GlnnError, match="cannot write .*out.csv: No space left on device"):
        data.write_csv(str(path), ds)
    monkeypatch.undo()
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["out.csv"]  # no half file, no temporary left
    with pytest.raises(GlnnError, match="no such directory"):
        data.write_csv(str(tmp_path / "no" / "out.csv"), ds)


# -- the command line ----------------------------------------------------------------------------
def test_train_on_a_csv_of_two_gaussian_blobs_reaches_95_percent(tmp_path):
    write_blobs(tmp_path / "blobs.csv")
    result = glnn("train", "--quiet", "--dataset", "blobs.csv", "--iterations", "20000", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith("blobs.csv 2-16-1: 20,000 iterations"), result.stdout
    accuracy = float(result.stdout.split("train accuracy ")[1].split("%")[0])
    assert accuracy >= 95.0, result.stdout
    assert "test accuracy" not in result.stdout  # a file is all training data


def test_a_bad_cell_stops_train_and_the_window_with_exit_2(tmp_path):
    (tmp_path / "my.csv").write_text("x1,x2,label\n0.5,0.5,0\n0.1,abc,1\n")
    for args in (("train", "--dataset", "my.csv"), ("--dataset", "my.csv", "--screenshot", "x.png")):
        assert one_line_error(glnn(*args, cwd=tmp_path)) == "glnn: my.csv:3: 'abc' is not a number (column x2)"
    assert not (tmp_path / "x.png").exists()
    assert "a file ending in .csv" in one_line_error(glnn("train", "--dataset", "my.txt", cwd=tmp_path))


def test_image_columns_with_image_shape_train(tmp_path):
    digits = data.load("digits5")
    data.write_csv(str(tmp_path / "d.csv"), digits)
    result = glnn("train", "--quiet", "--dataset", "d.csv", "--image-shape", "5x5", "--iterations", "30000",
                  cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("d.csv 25-16-10: 30,000 iterations") and "train accuracy 100.0%" in result.stdout


def test_load_finds_the_csv_a_network_was_trained_on_or_says_which_is_missing(tmp_path):
    """A saved network records its .csv dataset by absolute path (and the image shape): --load trains
    on it again from any directory; if it has gone, one line names the network and the file, and
    --dataset points it to another file with the same columns."""
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    write_blobs(work / "blobs.csv")
    saved = glnn("train", "--quiet", "--dataset", "blobs.csv", "--iterations", "5000", "--save", "net.npz", cwd=work)
    assert saved.returncode == 0, saved.stderr
    again = glnn("train", "--quiet", "--load", str(work / "net.npz"), "--iterations", "1000", cwd=elsewhere)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"{work / 'blobs.csv'} 2-16-1: 6,000 iterations"), again.stdout
    (work / "blobs.csv").rename(work / "moved.csv")
    said = one_line_error(glnn("train", "--load", "net.npz", cwd=work))
    assert said == (f"glnn: net.npz was trained on {work / 'blobs.csv'}: no such file; give --dataset FILE.csv "
                    "to continue on another file with the same columns")
    moved = glnn("train", "--quiet", "--load", "net.npz", "--dataset", "moved.csv", "--iterations", "10", cwd=work)
    assert moved.returncode == 0 and moved.stdout.startswith("moved.csv 2-16-1: 5,010 iterations"), moved.stderr
    data.write_csv(str(work / "digits.csv"), data.load("digits5"))
    said = one_line_error(glnn("train", "--load", "net.npz", "--dataset", "digits.csv", cwd=work))
    assert "net.npz: the network (2, 16, 1) does not fit dataset digits.csv" in said


def test_load_in_the_window_records_the_image_shape(tmp_path):
    data.write_csv(str(tmp_path / "d.csv"), data.load("digits5"))
    tr = Trainer({"dataset": str(tmp_path / "d.csv"), "image_shape": "5x5"})
    tr.steps(100)
    tr.save(str(tmp_path / "net.npz"))
    back = Trainer.from_file(str(tmp_path / "net.npz"))
    assert back.dataset.image_shape == (5, 5) and back.settings["dataset"] == str(tmp_path / "d.csv")
    assert back.iterations == 100 and np.array_equal(back.net.params, tr.net.params)
