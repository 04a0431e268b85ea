"""`kiosk-central`: the reference central booking service.

The service itself is issue 4; until it lands this entry point says so plainly instead of
pretending to serve.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print(
        "kiosk-central: ยังไม่พร้อมใช้งาน / the reference central service is not built yet (issue 4)",
        file=sys.stderr,
    )
    return 2
