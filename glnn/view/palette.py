"""The colours of the scene, shared by the GL passes and the ImGui overlays (no GL here)."""

PALETTES = {
    # name: (positive weight colour, negative weight colour)
    "red-blue": ((1.0, 0.32, 0.26), (0.25, 0.55, 1.0)),
    "green-red": ((0.3, 0.95, 0.4), (1.0, 0.3, 0.28)),
}
BACKGROUND = (0.027, 0.035, 0.06, 1.0)
