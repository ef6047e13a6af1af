"""Textual screens, one module per screen. They talk to ``geg_tui.api.Backend`` only."""
