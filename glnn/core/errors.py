"""The one exception type a user may see: its message is printed as a single line."""
from __future__ import annotations

import contextlib


class GlnnError(Exception):
    """A problem with the user's input (argument, file, setting), reported without a traceback."""


@contextlib.contextmanager
def reading(path):
    """The operating system's refusals to read `path` as one-line GlnnErrors: no such file, a
    directory, permission denied. Other errors go on to the caller, who knows what the file should be."""
    try:
        yield
    except FileNotFoundError:
        raise GlnnError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GlnnError(f"{path}: is a directory") from None
    except PermissionError:
        raise GlnnError(f"{path}: permission denied") from None
