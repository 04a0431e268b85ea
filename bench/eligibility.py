"""Eligibility decisions per second with the bundled rule set, on a mix of cards and answers.

    .venv/bin/python bench/eligibility.py [--seconds 3]

Prints decisions per second (one core) and the distribution of routes in the mix, so that a
figure is never quoted for a mix that exercises only the first rule.
"""

from __future__ import annotations

import argparse
import collections
import random
import time
from datetime import date, timedelta

from kiosk.card import cid as cidlib
from kiosk.card.model import Card
from kiosk.demo_people import demo_people
from kiosk.eligibility import Answers, evaluate, load_bundled

ON = date(2021, 5, 27)


def mix(n: int, rnd: random.Random) -> list[tuple[Card, Answers, str]]:
    people = [p.card for p in demo_people(ON)]
    codes = sorted(load_bundled().condition_codes)
    cases = []
    for _ in range(n):
        data = dict(rnd.choice(people))
        first12 = rnd.choice("123458670") + "".join(rnd.choice("0123456789") for _ in range(11))
        data["cid"] = first12 + str(cidlib.check_digit(first12))
        born = ON - timedelta(days=rnd.randint(10 * 365, 80 * 365))
        raw = f"{born.year + 543:04d}{born.month:02d}{born.day:02d}"
        data["birth_date_be"] = rnd.choice([raw, raw[:6] + "00", raw[:4] + "0000"])
        conditions = rnd.choice([None, frozenset(), frozenset(rnd.sample(codes, 1))])
        works = rnd.choice([None, True, False])
        cases.append(
            (Card.from_json(data), Answers(conditions, works), rnd.choice(["yes", "no", "unknown"]))
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    rules = load_bundled()
    cases = mix(2000, random.Random(2021))
    routes = collections.Counter(evaluate(rules, c, a, r, ON).route for c, a, r in cases)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        for card, answers, registry in cases:
            evaluate(rules, card, answers, registry, ON)
        count += len(cases)
    elapsed = time.perf_counter() - started
    print(
        f"{count / elapsed:,.0f} decisions/s on one core ({count:,} decisions in "
        f"{elapsed:.2f} s, {elapsed / count * 1e6:.1f} µs each)"
    )
    print("route mix:", ", ".join(f"{k} {v / len(cases):.0%}" for k, v in routes.most_common()))
    started = time.perf_counter()
    for _ in range(200):
        load_bundled()
    print(
        f"loading and validating the bundled rule set: "
        f"{(time.perf_counter() - started) / 200 * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
