"""The domain core of the Thai Ruam Jai store kiosk.

Nothing in this package imports Qt, and nothing below `kiosk.cli` imports the other top-level
packages (`ui`, `sync`, `printer`, `central`): the core must stay testable on its own and loadable
by the command-line tools without a display. `tests/test_architecture.py` enforces it.
"""

__version__ = "0.1.0"
