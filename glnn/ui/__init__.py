"""The ImGui layer: panel, plots, draw grid, scene labels and tooltips. It emits commands, never acts."""
