"""Shared set-up for the sync benchmarks: a real `kiosk-central serve` and a provisioned terminal.

Not a benchmark itself (the leading underscore keeps it apart).
"""

from __future__ import annotations

from pathlib import Path

from kiosk import config
from kiosk.booking.model import Occupation
from kiosk.card.cid import check_digit
from kiosk.card.model import Card
from kiosk.cli.demo_env import DemoEnvironment
from kiosk.dates import today_bangkok
from kiosk.demo_people import demo_person
from kiosk.eligibility import Answers
from sync.provision import write_terminal
from sync.terminal import Terminal


def start_central(tmp: Path, capacity: int) -> DemoEnvironment:
    """The reference central in its own process (`kiosk-central serve`), as the demo runs it."""
    env = DemoEnvironment(tmp)
    env.start_central(capacity=capacity)
    return env


def terminal(tmp: Path, url: str, tok: str) -> Terminal:
    home = tmp / "terminal"
    home.mkdir(exist_ok=True)
    path = write_terminal(
        home / "kiosk.toml",
        tok,
        {
            "central": {"url": url},
            "terminal": {"id": "T-BENCH", "store": "bench"},
            "printer": {"uri": f"preview://{home / 'slips'}"},
        },
    )
    return Terminal(config.load(path, env={"KIOSK_HOME": str(home / "data")}))


#: Nothing listens on the discard port: every request is refused at once.
DEAD_URL = "http://127.0.0.1:9"


def offline_terminal(t: Terminal, tok: str) -> Terminal:
    """The same terminal (config, journal, cache) cut off from its central, its breaker open, so
    a booking is queued at once as a kiosk that has seen the central fail would queue it."""
    offline = Terminal(t.config, token=tok)
    offline.client.base_url = DEAD_URL
    for _ in range(3):
        offline.client.breaker.failure()
    return offline


def citizen_card(n: int) -> Card:
    data = dict(demo_person("bangkok", today_bangkok()).card)
    first12 = f"3{n:011d}"
    data["cid"] = first12 + str(check_digit(first12))
    return Card.from_json(data)


def book_args(t: Terminal, n: int, slots: list) -> dict:
    card = citizen_card(n)
    answers = Answers(frozenset(), None)
    decision = t.decide(card, answers)
    site, slot = slots[n % len(slots)]
    return {
        "card": card,
        "answers": answers,
        "decision": decision,
        "site": site,
        "slot": slot,
        "phone": "0812345678",
        "occupation": Occupation("company-employee"),
    }


def open_slots(t: Terminal) -> list:
    tomorrow = t.now().date().isoformat()
    return [
        (site, slot)
        for site in t.cache.sites()
        for slot in t.cache.slots(site.id)
        if slot.date > tomorrow and not slot.full
    ]
