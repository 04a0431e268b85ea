"""`kiosk-central stores import FILE.csv` / `stores list [--json]`: the stores and their districts,
on both stores (the CLI's own `main`, a real database); a bad file changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from central.cli import main
from central.cli_stores import parse_csv
from central.store.stores import StoreInfo

GOOD = (
    "store_id,name_th,name_en,district_th,district_en\n"
    "s-1,ร้านหนึ่ง,Shop <b>One</b>,เขตจตุจักร,Chatuchak\n"
    's-2,ร้านสอง,"Shop Two, corner",เขตบางซื่อ,Bang Sue\n'
)


@pytest.fixture
def db_args(new_db: Callable[[], str | None], tmp_path) -> list[str]:
    url = new_db()
    return ["--db", url if url is not None else str(tmp_path / "c.db")]


def listed(db_args, capsys) -> list[dict]:
    assert main(["stores", "list", *db_args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_then_list_and_replace_by_id(db_args, tmp_path, capsys):
    f = tmp_path / "stores.csv"
    f.write_text("\ufeff" + GOOD, encoding="utf-8")  # a spreadsheet's BOM is fine
    assert main(["stores", "import", *db_args, str(f)]) == 0
    assert "2 store(s) imported" in capsys.readouterr().out
    got = listed(db_args, capsys)
    assert got == [
        {"store_id": "s-1", "name_th": "ร้านหนึ่ง", "name_en": "Shop <b>One</b>",
         "district_th": "เขตจตุจักร", "district_en": "Chatuchak"},
        {"store_id": "s-2", "name_th": "ร้านสอง", "name_en": "Shop Two, corner",
         "district_th": "เขตบางซื่อ", "district_en": "Bang Sue"},
    ]  # fmt: skip
    f.write_text(
        "district_en,district_th,name_en,name_th,store_id\nDin Daeng,เขตดินแดง,Moved,ย้าย,s-2\n",
        encoding="utf-8",
    )
    assert main(["stores", "import", *db_args, str(f)]) == 0
    capsys.readouterr()
    got = {s["store_id"]: s for s in listed(db_args, capsys)}
    assert set(got) == {"s-1", "s-2"}
    assert (got["s-2"]["district_en"], got["s-2"]["name_en"]) == ("Din Daeng", "Moved")
    assert main(["stores", "list", *db_args]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["s-2", "Din", "Daeng"] and "ย้าย" in lines[1]


def test_a_file_with_one_bad_row_changes_nothing(db_args, tmp_path, capsys):
    f = tmp_path / "stores.csv"
    f.write_text(GOOD, encoding="utf-8")
    assert main(["stores", "import", *db_args, str(f)]) == 0
    capsys.readouterr()
    before = listed(db_args, capsys)
    f.write_text(
        "store_id,name_th,name_en,district_th,district_en\n"
        "s-1,ใหม่,New,เขตใหม่,New district\n"
        "s-3,ร้านสาม,Shop Three,,Bang Sue\n",
        encoding="utf-8",
    )
    assert main(["stores", "import", *db_args, str(f)]) == 2
    err = capsys.readouterr().err
    assert "line 3: district_th must be 1-200 characters" in err
    assert "บรรทัด 3" in err
    assert listed(db_args, capsys) == before


def test_a_missing_file_is_a_clear_error(db_args, tmp_path, capsys):
    assert main(["stores", "import", *db_args, str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "อ่านไฟล์" in err


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("store_id,name_th,name_en,district_th\ns,a,b,c\n", "the header must name exactly"),
        ("store_id,name_th,name_en,district_th,district_en,extra\n", "the header must name"),
        ("", "it names nothing"),
        (GOOD + "s-1,x,y,z,w\n", "line 4: store s-1 is already on line 2"),
        (GOOD + "s 3,x,y,z,w\n", "line 4: store_id 's 3' must be"),
        (GOOD + "s-3,x,y,z\n", "line 4: expected 5 fields"),
        (GOOD + "s-3,x,y,z,w,v\n", "line 4: expected 5 fields"),
        (GOOD + "s-3,x," + "y" * 201 + ",z,w\n", "line 4: name_en must be 1-200"),
    ],
)
def test_bad_files_say_which_line_and_why(text, says):
    from kiosk.errors import InputError

    with pytest.raises(InputError, match=says) as caught:
        parse_csv(text, "stores.csv")
    assert caught.value.th and caught.value.th != caught.value.en


def test_parse_keeps_thai_and_trims_spaces():
    got = parse_csv(
        "store_id,name_th,name_en,district_th,district_en\n s-9 , ร้าน ,Shop, เขตสาทร ,Sathon\n"
    )
    assert got == [StoreInfo("s-9", "ร้าน", "Shop", "เขตสาทร", "Sathon")]
