"""The personal-data audit finds what it is there to find, where it is, without printing it,
and does not cry wolf at the ids and dates every kiosk file is full of."""

from __future__ import annotations

import json

import pii_audit

CID = "3101701234568"  # a made-up ID with a valid check digit (kiosk.card.cid)


def test_it_finds_ids_phones_and_names_in_any_form_at_their_offsets(tmp_path, capsys) -> None:
    from kiosk.card.cid import check_digit

    assert check_digit(CID[:12]) == int(CID[12])
    people = tmp_path / "people.json"
    people.write_text(json.dumps([{"cid": CID, "phone": "0891112222", "names": ["Zorblax"]}]))
    data = tmp_path / "data"
    data.mkdir()
    dashed = "3-1017-01234-56-8"
    lines = [
        b"start ",  # 0
        dashed.encode(),  # 6: the card's grouping
        b" x ",
        b"089-111-2222",  # a listed phone, grouped
        b" ",
        json.dumps("สมชาย").encode(),  # a demo person's first name, JSON-escaped
        b" Zorblax99 ",  # a listed name with a number after it
        b"\x00\x01" + CID.encode() + b"\x02",  # in a binary file, plain
    ]
    blob = b"".join(lines)
    (data / "journal.sqlite-wal").write_bytes(blob)
    assert pii_audit.main([str(data), "--people", str(people), "--json"]) == 1
    out = capsys.readouterr().out
    figures = json.loads(out)
    kinds = sorted(line.rsplit(": ", 1)[1] for line in figures["detail"])
    assert kinds == ["citizen-id", "citizen-id", "name", "name (JSON-escaped)", "phone"]
    assert f"journal.sqlite-wal @ {blob.index(dashed.encode())}: citizen-id" in out
    assert f"@ {blob.index(CID.encode())}: citizen-id" in out
    assert f"@ {blob.index(b'089-111-2222')}: phone" in out
    for value in (CID, dashed, "089-111-2222", "0891112222", "Zorblax", "สมชาย"):
        assert value not in out  # a finding names the file and offset, never the value


def test_an_unlisted_id_is_found_by_its_check_digit(tmp_path, capsys) -> None:
    from kiosk.card.cid import check_digit

    other = "110370012399" + str(check_digit("110370012399"))
    wrong = "110370012398" + str((check_digit("110370012398") + 1) % 10)
    (tmp_path / "log").write_text(f"registry check for {other}, not for {wrong}\n")
    assert pii_audit.main([str(tmp_path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["by_kind"] == {"citizen-id": 1}


def test_slot_ids_dates_masked_ids_and_uuids_are_not_findings(tmp_path, capsys) -> None:
    (tmp_path / "cache.json").write_text(
        '{"slot_id": "ptt-rama-2-20261202-1200", "at": "2026-12-02T00:07:28.193615+00:00", '
        '"cid": "3-1017-XXXXX-XX-8", "phone": "089-XXX-2222", '
        '"booking_id": "76b937ca-eddf-47f9-8079-1cfd52a16810", "n": 12345678901234}'
    )
    assert pii_audit.main([str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == 0


def test_a_value_across_the_read_boundary_is_found_once(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(pii_audit, "CHUNK", 64)
    (tmp_path / "big").write_bytes(b"." * 58 + CID.encode() + b"." * 100)
    assert pii_audit.main([str(tmp_path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["detail"] == [f"{tmp_path / 'big'} @ 58: citizen-id"]


def test_digits_inside_a_hash_are_a_finding_only_when_they_are_a_listed_value(
    tmp_path, capsys
) -> None:
    """A keyed CID hash in hex holds a 13-digit run with a valid check digit about once in
    2,000 hashes (the 1,000-trial soak's journal had several): shaped like an ID is not enough
    there, but a listed ID touching letters (SQLite stores columns back to back) is found."""
    log = tmp_path / "journal.sqlite"
    log.write_bytes(b"12ecbc7f" + CID.encode() + b"ea14276d")
    assert pii_audit.main([str(log), "--json"]) == 0  # a file given by name is read too
    assert json.loads(capsys.readouterr().out)["files"] == 1
    people = tmp_path / "people.json"
    people.write_text(json.dumps([{"cid": CID}]))
    assert pii_audit.main([str(log), "--people", str(people), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["detail"] == [f"{log} @ 8: citizen-id"]
