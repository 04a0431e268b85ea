from datetime import date

import pytest

from kiosk.card.model import BEDate
from kiosk.eligibility import Age, age_on, age_range


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2003, 5, 27), date(2021, 5, 27), Age(18, 0)),
        (date(2003, 5, 28), date(2021, 5, 27), Age(17, 11)),
        (date(2000, 2, 29), date(2018, 2, 27), Age(17, 11)),  # DESIGN §4
        (date(2000, 2, 29), date(2018, 2, 28), Age(18, 0)),  # relativedelta clamps to Feb 28
        (date(1961, 7, 27), date(2021, 5, 27), Age(59, 10)),
        (date(1961, 6, 28), date(2021, 5, 27), Age(59, 10)),
        (date(1961, 6, 27), date(2021, 5, 27), Age(59, 11)),
        (date(2000, 1, 31), date(2000, 2, 29), Age(0, 1)),  # month-end clamping, as relativedelta
        (date(2030, 1, 1), date(2021, 5, 27), Age(0, 0)),  # born "in the future": a corrupt card
    ],
)
def test_completed_years_and_months(birth, on, age):
    assert age_on(birth, on) == age


def test_ranges_for_unknown_parts():
    r = age_range(BEDate.parse("25460500", "b"), date(2021, 5, 27))  # May 2003
    assert (r.youngest, r.oldest) == (Age(17, 11), Age(18, 0))
    r = age_range(BEDate.parse("25460000", "b"), date(2021, 5, 27))  # 2003
    assert (r.youngest, r.oldest) == (Age(17, 4), Age(18, 4))
    assert age_range(BEDate.parse("00000000", "b"), date(2021, 5, 27)) is None


def test_age_json():
    r = age_range(BEDate.parse("25300514", "b"), date(2021, 5, 27))
    assert r.to_json() == {"min": {"years": 34, "months": 0}, "max": {"years": 34, "months": 0}}
