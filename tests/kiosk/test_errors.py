import io

import pytest

from kiosk.errors import EXIT_UNEXPECTED, InputError, run_reporting


def test_a_kiosk_error_ends_a_command_in_both_languages_with_its_status():
    out = io.StringIO()

    def fail():
        raise InputError("the file is missing", "ไม่พบไฟล์")

    assert run_reporting(fail, debug=False, stream=out) == 2
    assert out.getvalue() == (
        "error [bad-input]: ไม่พบไฟล์\nerror [bad-input]: the file is missing\n"
    )


def test_a_bug_is_one_bilingual_line_and_no_traceback_unless_asked():
    out = io.StringIO()

    def bug():
        raise ZeroDivisionError

    assert run_reporting(bug, debug=False, stream=out) == EXIT_UNEXPECTED
    text = out.getvalue()
    assert "ZeroDivisionError" in text and "ไม่คาดคิด" in text and "Traceback" not in text
    with pytest.raises(ZeroDivisionError):
        run_reporting(bug, debug=True, stream=out)


def test_success_and_interrupt():
    assert run_reporting(lambda: None, debug=False, stream=io.StringIO()) == 0
    assert run_reporting(lambda: 7, debug=False, stream=io.StringIO()) == 7

    def interrupted():
        raise KeyboardInterrupt

    assert run_reporting(interrupted, debug=False, stream=io.StringIO()) == 130
