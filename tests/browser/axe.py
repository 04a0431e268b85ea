"""axe-core (pinned in tests/browser/package-lock.json, installed by `npm ci --prefix
tests/browser`) injected into the page the browser shows, and run there.

The rules are WCAG 2.0/2.1 A and AA plus Deque's best practices. A page passes with no
violation whose impact is `serious` or `critical`; the `minor` and `moderate` ones are printed
(pytest shows them with -rA or on a failure) so they are seen, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.browser.driver import unavailable

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
BLOCKING = ("serious", "critical")

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done({violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))}))
  .catch(e => done({error: String(e)}));
"""


@cache
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"axe-core is not installed ({AXE}): run npm ci --prefix tests/browser")
    return AXE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        where = "; ".join(self.nodes[:5]) + (" ..." if len(self.nodes) > 5 else "")
        return f"[{self.impact}] {self.rule}: {self.help} at {where}"


def audit(driver: WebDriver) -> list[Violation]:
    """Every axe violation on the page shown now."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    result: dict[str, Any] = driver.execute_async_script(RUN, list(TAGS))
    assert "error" not in result, f"axe.run failed: {result.get('error')}"
    return [
        Violation(v["id"], v["impact"] or "unknown", v["help"], tuple(n["target"] for n in nodes))
        for v in result["violations"]
        for nodes in [v["nodes"]]
    ]


def assert_accessible(driver: WebDriver, page: str) -> list[Violation]:
    """No serious or critical violation on the page; the others are printed and returned."""
    found = audit(driver)
    for v in found:
        if v.impact not in BLOCKING:
            print(f"axe on {page}: {v}")
    blocking = [str(v) for v in found if v.impact in BLOCKING]
    assert not blocking, f"axe on {page} ({driver.current_url}):\n" + "\n".join(blocking)
    return found
