"""Rendering: pure layout/picking maths (no GL) and one class per GL pass."""
