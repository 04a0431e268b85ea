"""The reference central booking service (FastAPI) that terminals book against.

It may share the pure domain of `kiosk` (card model, citizen-ID check, rule engine) to re-check
decisions, never `ui`, `sync` or `printer`.
"""
