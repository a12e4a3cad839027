"""The network: its architecture, one flat float32 parameter array, and save/load.

Imports only numpy. Layer l's weights are one block at w_off[l], its biases n_out
values at b_off[l]. The first layer's block is input-major (weight i->j at
w_off[0] + i*n_out + j), deeper layers' blocks are output-major (weight i->j at
w_off[l] + j*n_in + i), so that every inner loop of the kernels runs over a hidden
layer (see glnn.core.kernels). `Network.weights(l)` hides this: it is always (n_in, n_out).
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any, BinaryIO, Callable

import numpy as np

from glnn.core.settings import ACTIVATIONS, LOSSES
from glnn.core.errors import GlnnError, reading

FILE_FORMAT = "glnn-network-1"


@dataclasses.dataclass(frozen=True)
class Architecture:
    sizes: tuple[int, ...]  # (inputs, hidden..., outputs)
    activation: str = "sigmoid"
    loss: str = "sse"
    bias: bool = True

    def __post_init__(self):
        if len(self.sizes) < 2 or any(int(s) < 1 for s in self.sizes):
            raise GlnnError(f"bad layer sizes {self.sizes}")
        if self.activation not in ACTIVATIONS:
            raise GlnnError(f"unknown activation {self.activation!r}")
        if self.loss not in LOSSES:
            raise GlnnError(f"unknown loss {self.loss!r}")

    @property
    def n_layers(self) -> int:
        """Number of weight layers (connections between consecutive neuron columns)."""
        return len(self.sizes) - 1

    def offsets(self) -> tuple[np.ndarray, np.ndarray, int]:
        """(w_off, b_off, n_params). Biases follow their layer's weights; without biases b_off = w_off end."""
        w_off, b_off = [], []
        pos = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            w_off.append(pos)
            pos += n_in * n_out
            b_off.append(pos)
            if self.bias:
                pos += n_out
        return np.array(w_off, np.int64), np.array(b_off, np.int64), pos

    def activation_offsets(self) -> np.ndarray:
        """Start of each layer in a flat per-sample activation buffer; last entry = total size."""
        return np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)


class Network:
    """An architecture plus its parameters. Pure data: it neither trains nor draws itself."""

    def __init__(self, arch: Architecture, params: np.ndarray | None = None, seed: int = 1):
        self.arch = arch
        self.w_off, self.b_off, self.n_params = arch.offsets()
        if params is None:
            params = self.initial_params(seed)
        params = np.ascontiguousarray(params, dtype=np.float32)
        if params.shape != (self.n_params,):
            raise GlnnError(f"expected {self.n_params} parameters for {arch.sizes}, got {params.shape}")
        self.params = params

    def initial_params(self, seed: int) -> np.ndarray:
        """Seeded random weights (scaled by fan-in so every layer starts in the active range), zero biases."""
        rng = np.random.default_rng(seed)
        params = aligned_zeros(self.n_params)
        gain = 2.0 if self.arch.activation == "relu" else 1.0
        for l in range(self.arch.n_layers):
            n_in, n_out = self.arch.sizes[l], self.arch.sizes[l + 1]
            scale = np.sqrt(gain / n_in)
            params[self.w_off[l]:self.w_off[l] + n_in * n_out] = rng.normal(0.0, scale, n_in * n_out)
        return params

    def weights(self, l: int) -> np.ndarray:
        """Layer l's weights as an (n_in, n_out) view into params (writes go to the network)."""
        n_in, n_out = self.arch.sizes[l], self.arch.sizes[l + 1]
        block = self.params[self.w_off[l]:self.w_off[l] + n_in * n_out]
        return block.reshape(n_in, n_out) if l == 0 else block.reshape(n_out, n_in).T

    def biases(self, l: int) -> np.ndarray:
        n_out = self.arch.sizes[l + 1]
        if not self.arch.bias:
            return np.zeros(n_out, np.float32)
        return self.params[self.b_off[l]:self.b_off[l] + n_out]


CACHE_LINE = 64


def aligned_zeros(n: int, dtype=np.float32) -> np.ndarray:
    """n zeros starting on a cache line. The kernels stream over rows of weights with 32-byte vector
    loads; from an array that malloc placed 16 bytes into a line, half of those loads straddle two
    lines, which cost 10-15% of the training rate at 64-128-10 (it varied with each process's heap)."""
    itemsize = np.dtype(dtype).itemsize
    buffer = np.zeros(n * itemsize + CACHE_LINE, np.uint8)
    start = -buffer.ctypes.data % CACHE_LINE
    return buffer[start:start + n * itemsize].view(dtype)


def aligned(a: np.ndarray) -> np.ndarray:
    """`a` itself if it is C-contiguous and starts on a cache line, else such a copy of it."""
    if a.flags.c_contiguous and a.ctypes.data % CACHE_LINE == 0:
        return a
    out = aligned_zeros(a.size, a.dtype).reshape(a.shape)
    out[...] = a
    return out


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """The class each row of output activations (n, outputs) stands for: the strongest output, or for
    a single output neuron class 1 above 0.5."""
    outputs = np.asarray(outputs)
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.int32)
    return outputs.argmax(axis=1).astype(np.int32)


def predicted_class(outputs: np.ndarray) -> int:
    """predicted_classes for one sample's output activations."""
    return int(predicted_classes(np.asarray(outputs).reshape(1, -1))[0])


def save_target(path: str | os.PathLike) -> Path:
    """Where a save to `path` really writes (through symlinks); GlnnError if it cannot be a network file.

    The write replaces the file atomically, so anything but a regular file there (a device, a
    pipe, a directory) must be refused rather than silently replaced."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        what = "a directory" if target.is_dir() else "not a regular file"
        raise GlnnError(f"cannot write {path}: {what}")
    if not target.parent.is_dir():
        raise GlnnError(f"cannot write {path}: no such directory {target.parent}")
    return target


def check_writable(path: str | os.PathLike) -> Path:
    """save_target(path), and proof that a file can be made in its folder: a probe file is created
    and removed there, as the save will (a name alone says nothing of the folder's permissions or
    a read-only file system). Lets `glnn train --save` refuse a bad place before training."""
    target = save_target(path)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=target.parent)
    except OSError as e:
        raise GlnnError(f"cannot write {path}: {e.strerror or e}") from None
    os.close(fd)
    os.unlink(probe)
    return target


def _new_file_mode(existing: Path) -> int:
    """Keep an overwritten file's permissions; a new file gets the usual 0666 less the umask."""
    try:
        return existing.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(path: str | os.PathLike, net: Network, meta: dict[str, Any] | None = None) -> None:
    """Write net (and string/number metadata) to an .npz, atomically: a crash leaves the old file intact."""
    fields = {
        "format": np.array(FILE_FORMAT),
        "sizes": np.array(net.arch.sizes, np.int64),
        "activation": np.array(net.arch.activation),
        "loss": np.array(net.arch.loss),
        "bias": np.array(net.arch.bias),
        "params": net.params,
    }
    for key, value in (meta or {}).items():
        fields["meta_" + key] = np.array(value)
    write_atomically(path, lambda f: np.savez(f, **fields))


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], Any]) -> None:
    """Call write(file) on a temporary file beside `path`, then rename it over `path`: a crash (or a
    full disk) leaves the old file intact, never half a file. A problem raises a one-line GlnnError
    naming `path`."""
    shown = path
    path = save_target(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as e:
        raise GlnnError(f"cannot write {shown}: {e.strerror}") from None
    try:
        os.fchmod(fd, _new_file_mode(path))  # mkstemp makes files private (0600)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise GlnnError(f"cannot write {shown}: {e.strerror or e}") from None
        raise


def load(path: str | os.PathLike) -> tuple[Network, dict[str, Any]]:
    """Read a network saved by `save`. Any problem with the file raises a one-line GlnnError."""
    path = Path(path)
    try:
        with reading(path):
            with open(path, "rb") as f:
                if f.read(4) != b"PK\x03\x04":  # every .npz is a zip archive
                    raise GlnnError(f"{path}: not a glnn network file (not an .npz archive)")
            data = np.load(path, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):  # a bare .npy array
                raise GlnnError(f"{path}: not a glnn network file (not an .npz archive)")
            with data:
                fields = {k: data[k] for k in data.files}
    except GlnnError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise GlnnError(f"{path}: not a readable glnn network file (truncated or corrupt: {e})") from None
    if str(fields.get("format", "")) != FILE_FORMAT:
        raise GlnnError(f"{path}: not a glnn network file (format field missing or unknown)")
    try:
        sizes = tuple(int(s) for s in fields["sizes"])
        if fields["bias"].dtype != np.bool_:
            raise GlnnError(f"{path}: field 'bias' is not true/false")
        arch = Architecture(sizes, str(fields["activation"]), str(fields["loss"]), bool(fields["bias"]))
        params = fields["params"]
        if params.dtype != np.float32 or params.ndim != 1:
            raise GlnnError(f"{path}: parameters are not a flat float32 array")
        if not np.all(np.isfinite(params)):
            raise GlnnError(f"{path}: parameters contain NaN or infinity")
        net = Network(arch, params)
    except KeyError as e:
        raise GlnnError(f"{path}: glnn network file lacks field {e}") from None
    except (TypeError, ValueError) as e:
        raise GlnnError(f"{path}: malformed glnn network file ({e})") from None
    except GlnnError as e:
        msg = str(e)
        raise GlnnError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None
    meta = {k[5:]: v.item() for k, v in fields.items() if k.startswith("meta_")}
    return net, meta
