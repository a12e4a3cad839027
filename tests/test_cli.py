"""`glnn train` as a user runs it: a real subprocess, its exit status, stdout and stderr."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def glnn(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # harmless once glnn is installed; needed when running from a checkout
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return subprocess.run([sys.executable, "-m", "glnn", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120, stdin=subprocess.DEVNULL)


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str):
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    assert lines[0].startswith("glnn: ")
    for word in words:
        assert word in lines[0]


def accuracy(stdout: str) -> float:
    match = re.search(r"train accuracy (\d+(?:\.\d+)?)%", stdout)
    assert match, stdout
    return float(match.group(1))


def test_train_default_reaches_full_accuracy():
    result = glnn("train", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "digits5 25-16-10: 100,000 iterations" in result.stdout
    assert accuracy(result.stdout) == 100.0
    assert "test accuracy" in result.stdout


def test_save_then_load_continues(tmp_path):
    path = tmp_path / "net.npz"
    first = glnn("train", "--quiet", "--iterations", "2000", "--hidden", "8", "--activation", "tanh",
                 "--save", str(path))
    assert first.returncode == 0, first.stderr
    assert f"saved {path}" in first.stdout and path.is_file()
    assert "25-8-10: 2,000 iterations" in first.stdout
    second = glnn("train", "--quiet", "--iterations", "1000", "--load", str(path))
    assert second.returncode == 0, second.stderr
    assert "25-8-10: 3,000 iterations" in second.stdout  # architecture and count come from the file
    assert 0.0 <= accuracy(second.stdout) <= 100.0


def test_load_with_agreeing_hidden_is_accepted(tmp_path):
    path = tmp_path / "net.npz"
    assert glnn("train", "--quiet", "--iterations", "100", "--save", str(path)).returncode == 0
    result = glnn("train", "--quiet", "--iterations", "100", "--load", str(path), "--hidden", "16")
    assert result.returncode == 0, result.stderr
    assert "25-16-10: 200 iterations" in result.stdout


def test_no_hidden_layer_with_squared_features_solves_the_circle():
    """Playground's classic lesson: logistic regression on x1 squared and x2 squared separates a circle."""
    result = glnn("train", "--quiet", "--dataset", "circle", "--features", "x1sq,x2sq", "--hidden", "0",
                  "--iterations", "50000")
    assert result.returncode == 0, result.stderr
    assert "circle 2-1: 50,000 iterations" in result.stdout  # two inputs, one output, nothing between
    assert accuracy(result.stdout) >= 98.0
    # and on the plain coordinates it cannot: a straight line does not separate a circle
    plain = glnn("train", "--quiet", "--dataset", "circle", "--hidden", "0", "--iterations", "50000")
    assert plain.returncode == 0, plain.stderr
    assert accuracy(plain.stdout) < 75.0


def test_noise_and_train_ratio_change_the_generated_data(tmp_path):
    def run(*args):
        r = glnn("train", "--quiet", "--dataset", "gauss", "--hidden", "4", "--iterations", "3000", *args)
        assert r.returncode == 0, r.stderr
        return r.stdout.split(": ", 1)[1].rsplit(", ", 1)[0]  # the figures, without the name and the speed
    default = run()
    assert run("--noise", "0.1", "--train-ratio", "0.5") == default  # the defaults, given
    assert run("--noise", "0.5") != default
    assert run("--train-ratio", "0.8") != default
    # saved with the network and restored with it
    path = tmp_path / "net.npz"
    assert glnn("train", "--quiet", "--dataset", "gauss", "--noise", "0.4", "--train-ratio", "0.3",
                "--features", "x1,x1x2", "--iterations", "10", "--save", str(path)).returncode == 0
    from glnn.core.trainer import Trainer
    loaded = Trainer.from_file(path)
    assert (loaded.settings["noise"], loaded.settings["train_ratio"]) == (0.4, 0.3)
    assert loaded.dataset.features == ("x1", "x1x2") and len(loaded.dataset.y_train) == 120
    contradicted = glnn("train", "--quiet", "--load", str(path), "--features", "x1,x2")
    assert_one_line_error(contradicted, "features=x1,x1x2", "--features x1,x2")


BAD_ARGUMENTS = [
    (["--hidden", "-1"], ["--hidden"]),
    (["--hidden", "0,8"], ["--hidden", "stands alone"]),
    (["--dataset", "circle", "--noise", "0.6"], ["--noise", "0..0.5"]),
    (["--dataset", "circle", "--noise", "lots"], ["--noise"]),
    (["--dataset", "circle", "--train-ratio", "0.95"], ["--train-ratio", "0.1..0.9"]),
    (["--dataset", "circle", "--features", "x1,x3"], ["--features", "'x3'"]),
    (["--dataset", "circle", "--features", ""], ["--features", "one or more"]),
    (["--dataset", "circle", "--features", "x1,x1"], ["--features", "'x1' is given twice"]),
    (["--l2", "2"], ["--l2", "0..1"]),
    (["--l1", "-0.1"], ["--l1"]),
    (["--noise", "0.2"], ["--noise", "digits5"]),  # the default dataset is not generated
    (["--dataset", "xor3", "--train-ratio", "0.8"], ["--train-ratio", "xor3"]),
    (["--dataset", "xor3", "--features", "x1sq"], ["--features", "xor3"]),
    (["--hidden", "abc"], ["--hidden"]),
    (["--hidden", "8,8,8,8,8"], ["--hidden"]),
    (["--lr", "0"], ["--lr"]),
    (["--lr", "1e9"], ["--lr"]),
    (["--lr", "fast"], ["--lr"]),
    (["--no-such-flag"], ["--no-such-flag"]),
    (["--dataset", "mnist"], ["--dataset"]),
]


@pytest.mark.parametrize("args, words", [pytest.param(a, w, id=" ".join(a)) for a, w in BAD_ARGUMENTS])
def test_bad_arguments(args, words):
    result = glnn("train", "--quiet", "--iterations", "10", *args)
    assert_one_line_error(result, *words)
    assert result.stdout == ""


NOT_SHOWN = [
    (["--tab", "space"], ["--tab space", "digits5", "spiral"]),  # the Train tab
    (["--tab", "data", "--dataset", "digits5"], ["--tab data", "digits5"]),
    (["--tab", "draw", "--dataset", "xor"], ["--tab draw", "xor", "digits5"]),
    (["--tab", "draw", "--panel", "controls"], ["--tab draw", "(controls)", "add draw to --panel"]),
    (["--kiosk", "--tab", "settings"], ["--tab settings", "add settings to --panel"]),  # a kiosk hides it
    (["--scrub", "40"], ["--scrub 40", "0 iterations", "--iterations"]),  # iteration 0
    (["--scrub", "2000", "--iterations", "1000"], ["--scrub 2,000", "1,000 iterations"]),  # iteration 1,000
]


@pytest.mark.parametrize("args, words", [pytest.param(a, w, id=" ".join(a)) for a, w in NOT_SHOWN])
def test_a_view_that_cannot_be_shown_is_a_one_line_error(args, words, tmp_path):
    """Each was shown as something else without a word."""
    shot = tmp_path / "x.png"
    result = glnn(*args, "--screenshot", str(shot), "--size", "320x200", cwd=tmp_path)
    assert_one_line_error(result, *words)
    assert not shot.exists()


def test_a_tab_from_an_exhibit_config_names_the_file(tmp_path):
    config = tmp_path / "exhibit.toml"
    config.write_text('[view]\ntab = "space"\n')
    result = glnn("--config", str(config), "--screenshot", str(tmp_path / "x.png"), cwd=tmp_path)
    assert_one_line_error(result, f"{config}: tab space", "digits5")


def test_scrubbing_before_a_loaded_networks_timeline_is_a_one_line_error(saved, tmp_path):
    result = glnn("--load", str(saved), "--scrub", "5", "--screenshot", str(tmp_path / "x.png"), cwd=tmp_path)
    assert_one_line_error(result, "--scrub 5", "loaded at iteration 10")
    ok = glnn("--load", str(saved), "--scrub", "10", "--screenshot", str(tmp_path / "y.png"), cwd=tmp_path)
    assert ok.returncode == 0 and (tmp_path / "y.png").exists()


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "good.npz"
    assert glnn("train", "--quiet", "--iterations", "10", "--save", str(path)).returncode == 0
    return path


def test_bad_files(tmp_path, saved):
    missing = tmp_path / "missing.npz"
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(saved.read_bytes()[:200])
    text = tmp_path / "notes.npz"
    text.write_text("not a network\n")
    for path in (missing, truncated, text):
        result = glnn("train", "--quiet", "--iterations", "10", "--load", str(path))
        assert_one_line_error(result, str(path))
        assert result.stdout == ""
    result = glnn("train", "--quiet", "--iterations", "10", "--load", str(saved), "--hidden", "8")
    assert_one_line_error(result, str(saved), "hidden")


def test_save_onto_a_directory_is_a_one_line_error(tmp_path):
    target = tmp_path / "adir"
    target.mkdir()
    result = glnn("train", "--quiet", "--iterations", "10", "--save", str(target))
    assert_one_line_error(result, str(target))


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody may create files in: a read-only one of our own, or (root ignores file modes) /sys."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_save_to_an_unwritable_folder_fails_before_training(tmp_path):
    target = unwritable_folder(tmp_path) / "net.npz"
    # 200 M iterations take minutes: only a check made before training answers within the timeout
    result = glnn("train", "--quiet", "--iterations", "200000000", "--save", str(target))
    assert_one_line_error(result, str(target))
    assert result.stdout == ""  # no training summary: nothing was trained
    assert not target.exists()


DIVERGING = ("--iterations", "5000", "--hidden", "64,64,64,64", "--activation", "relu", "--loss", "xent", "--lr", "10")


def assert_one_line_divergence(result: subprocess.CompletedProcess, *words: str):
    """A run that ends diverged: exit 1, its figures on stdout, one line on stderr that says so."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glnn: training diverged"), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "nan" not in result.stdout.lower() and "diverged" not in result.stdout


def test_diverging_run_that_stops_says_so_on_one_line_and_exits_1():
    result = glnn("train", "--quiet", *DIVERGING)
    assert_one_line_divergence(result, "stopped", "learning rate 10", "--lr")


def test_diverging_run_whose_weights_were_reset_exits_1_too(tmp_path):
    """on_diverge=reset keeps training on new weights: the network at the end did not train the iterations
    asked for, so the run ended diverged as well."""
    path = tmp_path / "net.npz"
    result = glnn("train", "--quiet", *DIVERGING, "--on-diverge", "reset", "--save", str(path))
    assert_one_line_divergence(result, "reset", "learning rate 10", "of 5,000 iterations")
    assert f"saved {path}" in result.stdout and path.is_file()  # the last finite weights, kept


def test_save_never_replaces_a_device_or_a_pipe(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    result = glnn("train", "--quiet", "--iterations", "10", "--save", str(fifo))
    assert_one_line_error(result, str(fifo), "not a regular file")
    assert fifo.is_fifo()


def test_save_through_a_symlink_writes_its_target_with_normal_permissions(tmp_path):
    target = tmp_path / "real.npz"
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    old = os.umask(0o022)
    try:
        result = glnn("train", "--quiet", "--iterations", "10", "--save", str(link))
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.is_file()
    assert target.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
    assert glnn("train", "--quiet", "--iterations", "1", "--load", str(link)).returncode == 0


def test_a_text_file_is_not_a_network(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("hello\n")
    result = glnn("train", "--quiet", "--iterations", "1", "--load", str(text))
    assert_one_line_error(result, "not a glnn network file")
    assert "pickle" not in result.stderr


def test_a_closed_pipe_is_not_an_error():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(f"'{sys.executable}' -m glnn --print-config | head -1", shell=True, capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.stdout.startswith("# glnn") and "Traceback" not in r.stderr and "Error" not in r.stderr


@pytest.mark.parametrize("chord", ["q", "shift", "ctrl+", "hyper+q"])
def test_quit_chord_needs_a_modifier_and_a_key(chord):
    assert_one_line_error(glnn("--quit-chord", chord, "--screenshot", "x.png"), "quit_chord")


def test_messages_have_one_prefix():
    result = glnn("--glow-strength", "9")
    assert_one_line_error(result, "glow_strength")
    assert result.stderr.count("glnn:") == 1
