from datetime import UTC, date, datetime

from kiosk import dates
from kiosk.card.model import BEDate


def test_both_calendars():
    assert dates.thai(date(2021, 5, 27)) == "27 พ.ค. 2564"
    assert dates.gregorian(date(2021, 5, 27)) == "27 May 2021"


def test_card_dates_show_only_known_parts():
    assert dates.card_thai(BEDate.parse("25300500", "x")) == "พ.ค. 2530"
    assert dates.card_gregorian(BEDate.parse("25300000", "x")) == "1987"
    assert dates.card_thai(BEDate.parse("99999999", "x", lifetime_ok=True)) == "ตลอดชีพ"
    assert dates.card_gregorian(BEDate.parse("00000000", "x")) == "unknown"


def test_today_is_bangkok_today():
    # 20:00 UTC on 26 May is already 27 May in Bangkok (UTC+7).
    assert dates.today_bangkok(datetime(2021, 5, 26, 20, 0, tzinfo=UTC)) == date(2021, 5, 27)
