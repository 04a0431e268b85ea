"""The slip: a booking (or a decision) becomes a 1-bit picture, then ESC/POS bytes on a printer.

    slip_data   the BOOKING.json contract, parsed into frozen dataclasses
    content     what each slip says (Thai first, English beneath)
    layout      blocks of text, rules, banners and QR codes drawn into one 1-bit image (pure)
    thai_text   line wrapping between Thai words, never inside a character cluster (pure)
    fonts       the bundled Sarabun font with raqm layout, and the raqm check
    paper       print head widths (576 dots on 80 mm, 384 on 58 mm) and type scale
    slip        data to picture: content + layout
    uri         printer addresses (usb, serial, tcp, file, cups, preview)
    transports  python-escpos printers opened for an address: the one device seam
    status      DLE EOT status before and after printing
    output      the job (ESC @, GS v 0 raster, full cut) and printing it, or a preview PNG
    testslip    the technician's test slip

Imports only `kiosk` (never ui, sync or central). Printer trouble is a `PrinterError` and never
touches a booking.
"""
