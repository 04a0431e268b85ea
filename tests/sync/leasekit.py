"""Seat leases signed in the test, as the central signs them (kiosk.leases), for terminal tests
that do not need the central's lease endpoints."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.keys import b64, key_id, raw_public
from kiosk.leases import Lease, lease_document, sign_lease, verify_lease

#: granted at, and usable for a day from
GRANTED = datetime(2021, 5, 31, 10, 0, tzinfo=UTC)


class LeaseKit:
    """A lease-signing key and a counter for distinct references."""

    def __init__(self, key: ed25519.Ed25519PrivateKey | None = None) -> None:
        self.key = key or ed25519.Ed25519PrivateKey.generate()
        self._n = 0

    @property
    def public(self) -> ed25519.Ed25519PublicKey:
        return self.key.public_key()

    def pinned(self) -> dict[str, str]:
        """The keys.json entry a terminal keeps for this key."""
        raw = raw_public(self.public)
        return {"key": b64(raw), "kid": key_id(raw)}

    def config_entry(self) -> dict[str, str]:
        """How /v1/config names it (`keys.lease_signing`)."""
        raw = raw_public(self.public)
        return {"alg": "ed25519", "kid": key_id(raw), "public": b64(raw)}

    def refs(self, n: int) -> list[str]:
        out = []
        for _ in range(n):
            self._n += 1
            out.append(f"TRJ-L{self._n:03d}-TEST")
        return out

    def envelope(
        self,
        *,
        slot_id: str = "s1-0900",
        seats: int = 2,
        terminal_id: str = "kiosk-1",
        site_id: str = "s1",
        date: str = "2021-06-02",
        start: str = "09:00",
        end: str = "10:00",
        granted_at: datetime = GRANTED,
        use_until: datetime | None = None,
        lease_id: str | None = None,
        references: list[str] | None = None,
    ) -> dict[str, Any]:
        doc = lease_document(
            lease_id=lease_id or str(uuid.uuid4()),
            terminal_id=terminal_id,
            slot_id=slot_id,
            site_id=site_id,
            date=date,
            start=start,
            end=end,
            references=references or self.refs(seats),
            granted_at=granted_at,
            use_until=use_until or granted_at + timedelta(hours=24),
        )
        return sign_lease(doc, self.key)

    def lease(self, **kw: Any) -> Lease:
        return verify_lease(self.envelope(**kw), self.public, kw.get("terminal_id", "kiosk-1"))
