"""Age in completed years and months, for birth dates that may be ranges.

Calendar arithmetic as `dateutil.relativedelta` does it, which clamps to the month's last day: a
person born on 29 February 2000 is 17y11m on 27 February 2018 and 18y0m on 28 February 2018.

A card may hold a birth date with an unknown month or day (`00`); the birth date is then a range,
and so is the age. Rules must be judged conservatively: a person is at least 18 only if even the
latest possible birth date makes them 18 (the youngest possible age), and at most 59y10m only if
even the earliest possible birth date does (the oldest possible age).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from kiosk.card.model import BEDate


class Age(NamedTuple):
    """Completed years and months; tuples compare in the right order."""

    years: int
    months: int

    def to_json(self) -> dict[str, int]:
        return {"years": self.years, "months": self.months}


def age_on(birth: date, on: date) -> Age:
    """Completed years and months at `on`; a birth date after `on` counts as age 0y0m."""
    if birth > on:
        return Age(0, 0)
    delta = relativedelta(on, birth)
    return Age(delta.years, delta.months)


class AgeRange(NamedTuple):
    youngest: Age
    oldest: Age

    def to_json(self) -> dict[str, dict[str, int]]:
        return {"min": self.youngest.to_json(), "max": self.oldest.to_json()}


def age_range(birth: BEDate, on: date) -> AgeRange | None:
    """The youngest and oldest age the card's birth date allows; None if the year is unknown."""
    latest, earliest = birth.latest(), birth.earliest()
    if latest is None or earliest is None:
        return None
    return AgeRange(youngest=age_on(latest, on), oldest=age_on(earliest, on))
