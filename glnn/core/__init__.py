"""The numerical core: kernels, network, trainer, datasets and the pure state machines.

Imports numpy and numba only: never pyglet, imgui-bundle or PyOpenGL, never the rest of glnn.
"""
