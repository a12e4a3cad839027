"""The one exception type a user may see: its message is printed as a single line."""


class GlnnError(Exception):
    """A problem with the user's input (argument, file, setting), reported without a traceback."""
