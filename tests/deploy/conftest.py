"""The appliance tests start the kiosk against the same loopback central and second vpcd reader
as the touchscreen tests (tests/ui/conftest.py)."""

from tests.ui.conftest import central, reader  # noqa: F401 - fixtures
