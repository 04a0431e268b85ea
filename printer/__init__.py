"""The slip: layout (booking to 1-bit image), ESC/POS output, printer status.

Not built yet (issue 6).
"""
