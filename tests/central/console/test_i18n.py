"""Every string a console template asks for is in Thai and in English."""

from __future__ import annotations

import re
from pathlib import Path

from central import fleet
from central.console import i18n
from central.console.web import HERE

TEMPLATES = sorted((HERE / "templates").glob("*.html"))
LITERAL = re.compile(r"""\bt\(\s*["']([a-z0-9_.\-]+)["']\s*[,)]""")
PREFIX = re.compile(r"""\bt\(\s*["']([a-z0-9_.\-]+\.)["']\s*\+""")
#: Keys templates build from a value ("state." + state): every value they can take.
BUILT = (
    [f"state.{s}" for s in fleet.STATES]
    + [f"level.{lvl}" for lvl in fleet.LEVELS]
    + [f"reason.{r}" for r in fleet.REASONS]
    + ["role.operator", "role.technician"]
)


def keys_used(path: Path) -> set[str]:
    return set(LITERAL.findall(path.read_text()))


def test_every_message_has_both_languages() -> None:
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) == set(i18n.LANGS), key
        assert all(texts[lang].strip() for lang in i18n.LANGS), key


def test_every_key_a_template_uses_exists() -> None:
    assert TEMPLATES
    used = set().union(*(keys_used(p) for p in TEMPLATES)) | set(BUILT)
    missing = sorted(k for k in used if k not in i18n.MESSAGES)
    assert missing == []


def test_every_key_a_template_builds_is_one_of_the_built_ones() -> None:
    prefixes = set().union(*(set(PREFIX.findall(p.read_text())) for p in TEMPLATES))
    assert "state." in prefixes
    known = {k.rsplit(".", 1)[0] + "." for k in BUILT}
    assert prefixes <= known


def test_the_finder_finds_keys() -> None:
    """The check above would pass on nothing: the pattern does find the login page's keys."""
    assert {"login.username", "login.password"} <= keys_used(HERE / "templates" / "login.html")


def test_an_unknown_key_raises_and_values_are_filled() -> None:
    t = i18n.translator("en")
    assert t("login.locked", seconds=30).startswith("Too many failed sign-ins. Wait 30 seconds")
    try:
        t("no.such.key")
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown key must not pass silently")
    assert i18n.translator("xx")("nav.audit") == i18n.MESSAGES["nav.audit"]["th"]


def test_every_audit_action_the_central_writes_has_a_name_in_both_languages():
    """The audit page names each action (its code beside it): an action added without a name
    would show a bare code to Thai operators."""
    import re
    from pathlib import Path

    from central.console.i18n import AUDIT_ACTIONS

    root = Path(__file__).resolve().parents[3] / "central"
    written: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        # audit(request, operator, "code", ...) and store.add_audit(clock, who, "code", ...)
        for call in re.finditer(r"\b(?:add_)?audit\(\s*[^,]+,\s*[^,]+,\s*\"([a-z-]+)\"", text):
            written.add(call.group(1))
    assert len(written) >= 10, written  # the scan itself finds the calls
    assert written <= set(AUDIT_ACTIONS), written - set(AUDIT_ACTIONS)
    for code, names in AUDIT_ACTIONS.items():
        assert names["th"] and names["en"] and names["th"] != names["en"], code
