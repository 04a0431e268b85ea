"""PySide6 views of the kiosk: screens, theme, bundled Thai font. Binds to the session in `kiosk`.

Nothing here decides anything: the customer session's state machine lives in `kiosk` and is tested
without Qt. Not built yet (issue 7).
"""
