"""Finding receipt printers on USB, for provisioning a terminal in a store.

USB receipt printers identify themselves by vendor id; these are the brands sold for Thai
point-of-sale counters and the ids their printers use (from the python-escpos printer database,
the vendors' own documentation and the Linux USB id list). A match is a candidate, not a proof:
provisioning prints a test slip on it, and the technician looks at the paper.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: USB vendor id -> brand. Generic ids (0x0416, 0x0483, 0x0fe6) are widely used by unbranded
#: 58/80 mm printers (Xprinter, Zjiang, Gprinter, Rongta); they are common in Thai shops.
RECEIPT_PRINTER_VENDORS = {
    0x04B8: "Epson",
    0x0519: "Star Micronics",
    0x1504: "Bixolon",
    0x1D90: "Citizen",
    0x2730: "Citizen",
    0x0DD4: "Custom",
    0x154F: "SNBC",
    0x20D1: "HPRT",
    0x0416: "Winbond-based (Xprinter, Zjiang)",
    0x0483: "STMicro-based (generic POS printer)",
    0x0FE6: "ICS-based (Rongta, generic POS printer)",
    0x28E9: "GD32-based (Gprinter)",
}


@dataclass(frozen=True, slots=True)
class FoundPrinter:
    uri: str
    brand: str
    product: str

    def describe(self) -> str:
        return f"{self.brand} {self.product} at {self.uri}".strip()


def usb_printers() -> list[FoundPrinter]:
    """USB devices whose vendor makes receipt printers; [] when USB cannot be listed."""
    try:
        import usb.core  # noqa: PLC0415  pyusb (python-escpos[usb]); optional on a terminal
    except ImportError:
        log.warning("pyusb is not installed: cannot look for USB printers")
        return []
    try:
        devices = list(usb.core.find(find_all=True))
    except Exception as exc:  # noqa: BLE001  no libusb backend, no permission: nothing found
        log.warning("cannot list USB devices: %s", exc)
        return []
    found = []
    for dev in devices:
        brand = RECEIPT_PRINTER_VENDORS.get(dev.idVendor)
        if brand is None:
            continue
        try:
            product = usb.util.get_string(dev, dev.iProduct) or ""
        except Exception:  # noqa: BLE001  reading strings needs permissions we may lack
            product = ""
        found.append(FoundPrinter(f"usb://{dev.idVendor:04x}:{dev.idProduct:04x}", brand, product))
    return found
