"""Reusable Textual widgets (amounts, masked inputs, charts, badges)."""
