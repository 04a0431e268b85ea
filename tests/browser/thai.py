"""Is the Thai on a page drawn in the served Sarabun? The machines the console is looked at
from may have no Thai font at all (this one has none), so Thai drawn in any other family is a
row of empty boxes. Two places draw text:

- the DOM: every visible text node with Thai in it must have Sarabun as its element's first
  font family (a library stylesheet, uPlot's for one, may set its own);
- canvases: uPlot draws axis labels with `fillText` in the font its options say. A script put
  into every new document before the page's own (`install`) records each Thai `fillText`, the
  context's font at that moment, and whether that font was loaded then (a canvas drawn before
  the web font arrived keeps the fallback's boxes: it is not redrawn when the font comes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

FAMILY = "Sarabun"

RECORD_CANVAS = r"""
(() => {
  const thai = /[\u0E00-\u0E7F]/;
  const seen = [];
  Object.defineProperty(window, "__thaiCanvasText", {value: seen});
  for (const name of ["fillText", "strokeText"]) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (text, ...rest) {
      if (thai.test(String(text))) {
        seen.push([String(text), this.font, document.fonts.check(this.font, String(text))]);
      }
      return original.call(this, text, ...rest);
    };
  }
})();
"""

DOM_FONTS = r"""
const thai = /[\u0E00-\u0E7F]/;
const bad = [];
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walk.nextNode()) {
  const node = walk.currentNode;
  if (!thai.test(node.data)) { continue; }
  const el = node.parentElement;
  if (!el || !el.getClientRects().length) { continue; }  // not drawn (display: none, closed)
  const family = getComputedStyle(el).fontFamily;
  const first = family.split(",")[0].trim().replace(/^["']|["']$/g, "");
  if (first !== arguments[0]) { bad.push([node.data.trim().slice(0, 40), family]); }
}
return bad;
"""


def install(driver: WebDriver) -> None:
    """Record Thai canvas text in every page the browser opens from now on."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CANVAS})


def wrong_fonts(driver: WebDriver) -> list[tuple[str, str]]:
    """(text, font) of every Thai string on the page drawn in another family than Sarabun."""
    dom = [tuple(x) for x in driver.execute_script(DOM_FONTS, FAMILY)]
    canvas = driver.execute_script("return window.__thaiCanvasText || []")
    return dom + [
        (text, font if FAMILY not in font else f"{font} (drawn before it loaded)")
        for text, font, loaded in canvas
        if FAMILY not in font or not loaded
    ]
