"""geg-tui: « GEG Mon Compte » in a terminal.

The package is layered (see DESIGN.md): ``api`` holds the backend interface, ``fake_backend`` the
in-process backend that implements the account rules, and the Textual screens sit on top.
"""

__version__ = "0.1.0"
