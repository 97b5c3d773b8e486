"""Lantern app: see the module docstrings inside for its contract."""
