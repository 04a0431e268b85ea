"""No citizen ID (nor name, nor phone) in any log line or URL, through a whole booking life."""

from __future__ import annotations

import logging

import requests

from tests.central.conftest import booking_body, citizen


def test_no_personal_data_in_logs_or_urls(make_central, caplog):
    caplog.set_level(logging.DEBUG)
    c = make_central(demo_capacity=1)
    urls: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: urls.append(r.url))
    person = c.person("bangkok")
    cid, phone = person.card["cid"], "0891234567"
    headers = c.auth()
    body = booking_body(person, c.slot_id(), phone=phone)
    session.post(c.url("/v1/registry/check"), json={"cid": cid}, headers=headers)
    r = session.post(
        c.url("/v1/bookings"), json=body, headers={**headers, "Idempotency-Key": body["booking_id"]}
    )
    assert r.status_code == 201
    ref = r.json()["reference"]
    session.post(
        c.url("/v1/bookings"), json=body, headers={**headers, "Idempotency-Key": body["booking_id"]}
    )
    session.post(c.url("/v1/bookings/lookup"), json={"cid": cid}, headers=headers)
    session.patch(
        c.url(f"/v1/bookings/{ref}"),
        json={"cid": cid, "phone": "0891234568"},
        headers={**headers, "If-Match": "1"},
    )
    # refusals log too: already booked, slot full, ineligible, validation errors
    session.post(
        c.url("/v1/bookings"),
        json=(b := booking_body(person, c.slot_id(days=2))),
        headers={**headers, "Idempotency-Key": b["booking_id"]},
    )
    teen = c.person("teen")
    session.post(
        c.url("/v1/bookings"),
        json=(b := booking_body(teen, c.slot_id(days=2))),
        headers={**headers, "Idempotency-Key": b["booking_id"]},
    )
    bad = booking_body(citizen(3), c.slot_id())
    bad["citizen"]["gender"] = "x"
    v = session.post(
        c.url("/v1/bookings"), json=bad, headers={**headers, "Idempotency-Key": bad["booking_id"]}
    )
    assert v.status_code == 422 and bad["citizen"]["cid"] not in v.text  # no echo of input
    session.delete(c.url(f"/v1/bookings/{ref}"), json={"cid": cid}, headers=headers)
    c.central.store.verify_pending(c.clock.now)
    c.stop()

    logged = "\n".join(f"{rec.getMessage()} {rec.exc_text or ''}" for rec in caplog.records)
    assert "POST /v1/bookings" in logged  # the access log was captured, so the scan means something
    secrets = [
        cid,
        cid[:5] + cid[5:10],
        phone,
        "0891234568",
        bad["citizen"]["cid"],
        teen.card["cid"],
        person.card["name_th"]["first"],
        person.card["name_en"]["last"],
    ]
    for secret in secrets:
        assert secret not in logged, f"personal data in the log: {secret[:2]}..."
        for url in urls:
            assert secret not in url
    assert len(urls) >= 8
