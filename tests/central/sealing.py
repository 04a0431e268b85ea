"""The booking-sealing key of stores a test opens on PostgreSQL without a central (a URL has
no "beside" to find one): one random key per test session, so two stores a test opens on one
database read each other's rows; and the key of a central a test started, to read its rows."""

from __future__ import annotations

import os
from pathlib import Path

from central.keys import ServerKeys
from central.sealed_fields import FieldSealer

TEST_SEALER = FieldSealer(os.urandom(32))


def sealer_of(keys_dir: str | Path) -> FieldSealer:
    return ServerKeys.load_or_create(keys_dir).field_sealer()
