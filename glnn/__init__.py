"""glnn: watch a neural network learn, in real time."""
__version__ = "0.1.0"
