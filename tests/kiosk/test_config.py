import os

import pytest

from kiosk import config
from kiosk.config import ConfigError

GOOD = """
[central]
url = "https://central.example.go.th/"
token_file = "token"

[terminal]
id = "T-0001"
store = "7-Eleven Lat Phrao 101"

[printer]
uri = "tcp://127.0.0.1:9100"
paper = 58

[reader]
name = "ACS"
"""


@pytest.fixture
def write(tmp_path):
    def w(text, name="kiosk.toml"):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return w


def test_a_good_config(write, tmp_path):
    c = config.load(write(GOOD), env={"KIOSK_HOME": str(tmp_path / "home")})
    assert c.central_url == "https://central.example.go.th"
    assert c.token_file == tmp_path / "token"  # relative to the config file
    assert (c.terminal_id, c.store, c.paper, c.reader_name) == (
        "T-0001",
        "7-Eleven Lat Phrao 101",
        58,
        "ACS",
    )
    assert c.journal_path == tmp_path / "home" / "journal.sqlite"


def test_where_the_config_and_home_are(tmp_path):
    env = {"KIOSK_CONFIG": str(tmp_path / "x.toml")}
    assert config.default_path(env) == tmp_path / "x.toml"
    assert config.default_home({"XDG_DATA_HOME": "/data"}) == config.Path("/data/thairuamjai-kiosk")


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda t: t.replace('url = "https://central.example.go.th/"\n', ""), "[central] url"),
        (lambda t: t.replace("https://central", "http://central"), "[central] url"),
        (lambda t: t.replace("https://central", "ftp://central"), "[central] url"),
        (lambda t: t.replace('id = "T-0001"', 'id = ""'), "[terminal] id"),
        (lambda t: t.replace('id = "T-0001"', "id = 1"), "[terminal] id"),
        (lambda t: t.replace("tcp://", "lpt://"), "[printer] uri"),
        (lambda t: t.replace("paper = 58", "paper = 76"), "[printer] paper"),
        (lambda t: t + '\n[central]\nca_bundle = "/nonexistent.pem"\n', "file"),
        (lambda t: t.replace("[central]", "central = 3\n[x]"), "[central]"),
        (lambda t: t.replace("[printer]", "[printer"), "file"),
    ],
)
def test_every_problem_names_its_key(write, change, key):
    with pytest.raises(ConfigError) as err:
        config.load(write(change(GOOD)))
    assert err.value.key == key
    assert err.value.th and err.value.exit_status == 3


def test_plain_http_is_allowed_to_loopback_only(write):
    c = config.load(write(GOOD.replace("https://central.example.go.th/", "http://127.0.0.1:8080")))
    assert c.central_url == "http://127.0.0.1:8080"


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="kiosk provision"):
        config.load(tmp_path / "none.toml")


def test_token_must_be_private(write, tmp_path):
    c = config.load(write(GOOD))
    token = tmp_path / "token"
    token.write_text("secret-token\n")
    os.chmod(token, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        c.token()
    os.chmod(token, 0o600)
    assert c.token() == "secret-token"


def test_render_round_trips(write):
    text = config.render(
        {
            "central": {"url": "https://c.example/", "token_file": 'a "b"'},
            "terminal": {"id": "T", "store": "S"},
            "printer": {"uri": "preview:///tmp/x", "paper": 80},
        }
    )
    c = config.load(write(text))
    assert c.token_file.name == 'a "b"'


# Found by fuzz/config.py (docs/faults.md): urllib raised ValueError("Invalid IPv6 URL") for a
# "]" in the host, and `kiosk run` would have shown a bare traceback instead of the key to fix.
FUZZ_CRASH_URL_BRACKET = (
    b'[central]\nurl = "http://128.0.0.1:80:0]15"\npaper = 80\n\n[reader]\nname = ""\n'
)


@pytest.mark.parametrize("url", ["http://128.0.0.1:80:0]15", "https://[::1", "https://[central]/"])
def test_an_unparseable_url_is_a_config_error(write, url):
    with pytest.raises(ConfigError) as raised:
        config.load(write(GOOD.replace("https://central.example.go.th/", url)))
    assert raised.value.key == "[central] url"
    assert raised.value.th and "[central] url" in raised.value.en


def test_the_fuzzed_file_is_refused_cleanly(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(FUZZ_CRASH_URL_BRACKET)
    with pytest.raises(ConfigError) as raised:
        config.load(path)
    assert raised.value.key == "[central] url"


# Found by fuzz/config.py: tomllib recurses once per nesting level, so a value nested a few
# thousand deep raised RecursionError, not TOMLDecodeError. The fuzzer's input was 01 11 00 00:
# a key `nested` 4352 arrays deep after an empty file.
FUZZ_CRASH_DEEP_TOML = b"\nnested = " + b"[" * 4352 + b"]" * 4352 + b"\n"


@pytest.mark.parametrize(
    "text", [FUZZ_CRASH_DEEP_TOML, GOOD.encode() + b"x = " + b"{a=" * 3000 + b"}" * 3000]
)
def test_a_file_nested_thousands_deep_is_a_config_error(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(text)
    with pytest.raises(ConfigError) as raised:
        config.load(path)
    assert raised.value.key == "file" and "nested too deeply" in raised.value.en
    assert raised.value.th
