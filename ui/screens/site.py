"""Choosing the vaccination site: no default, and scrolling never chooses.

In 2021 a site list that fell back to its first entry booked people at places they never picked.
Here nothing is chosen until a site is tapped (TapCard ignores a press that moved or landed in a
scroll), Next stays off until then, and the line above the buttons says what is chosen, in words.
Each site shows its district and the seats left; a full site says "full" and cannot be chosen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from kiosk.booking.model import Site
from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens.base import ScreenView
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Icon, Spinner, TapCard, Text, TouchList, row


def site_name(site: Site, lang: str) -> str:
    return (site.name_th if lang == "th" else site.name_en) or site.name_th or site.id


def district(site: Site, lang: str) -> str:
    d = site.district_th if lang == "th" else site.district_en
    if not d:
        return ""
    if lang == "th":
        return d if d.startswith("เขต") else tr("site.district", lang, d=d)
    return tr("site.district", lang, d=d)


class SiteCard(TapCard):
    def __init__(self, m: Metrics, site: Site, scroller_of) -> None:
        super().__init__(m, scroller_of)
        self.site = site
        self.setObjectName(f"site-{site.id}")
        self.pin = Icon("pin", round(m.body * 1.6))
        self.name = Text("", "strong")
        self.where = Text("", "muted")
        col = QVBoxLayout()
        col.setSpacing(0)
        col.addWidget(self.name)
        col.addWidget(self.where)
        self.seats = Text("", "body", wrap=False)
        self.mark = Icon(None, round(m.body * 1.6))
        self.box.addWidget(self.pin)
        self.box.addLayout(col, 1)
        self.box.addWidget(self.seats)
        self.box.addWidget(self.mark)

    def render(self, s: Session, lang: str) -> None:
        selected = s.site is not None and s.site.id == self.site.id
        full = s.site_full(self.site)
        self.set_selected(selected)
        self.set_available(not full)
        on_dark = selected
        colour = "#FFFFFF" if on_dark else "#111111"
        self.pin.set("pin", colour)
        self.mark.set("check" if selected else ("cross" if full else None), colour)
        self.name.set(site_name(self.site, lang))
        self.where.set(district(self.site, lang))
        remaining = s.site_remaining.get(self.site.id)
        if full:
            self.seats.set(tr("site.full", lang))
        elif remaining is None:
            self.seats.set(tr("site.unknown", lang))
        else:
            self.seats.set(tr("site.remaining", lang, n=f"{remaining:,}"))
        self.setAccessibleName(f"{self.name.text()} {self.where.text()} {self.seats.text()}")


class SiteView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.hint = Text("", "muted")
        self.body.addWidget(self.hint)
        self.list = TouchList(m)
        self.body.addWidget(self.list, 1)
        self.spinner = Spinner(m.target)
        self.waiting = Text("", "heading")
        self.body.addLayout(row(self.spinner, self.waiting, spacing=m.gap))
        self.chosen_icon = Icon(None, round(m.body * 1.4))
        self.chosen = Text("", "strong")
        self.chosen.setObjectName("site-chosen")
        self.body.addLayout(row(self.chosen_icon, self.chosen, spacing=m.gap // 2))
        self.cards: list[SiteCard] = []

    def title(self, s: Session, lang: str) -> str:
        return tr("site.title", lang)

    def _build(self, s: Session) -> None:
        if [c.site for c in self.cards] == list(s.sites):
            return
        self.cards = [SiteCard(self.m, site, self.list.viewport) for site in s.sites]
        for card in self.cards:
            card.tapped.connect(lambda c=card: self.send(ev.SiteChosen(c.site)))
        self.list.set_rows(self.cards)

    def render(self, s: Session, lang: str) -> None:
        self._build(s)
        self.list.up.setText(tr("scroll.up", lang))
        self.list.down.setText(tr("scroll.down", lang))
        for card in self.cards:
            card.render(s, lang)
        loading = s.sites_pending and not s.sites
        self.spinner.setVisible(loading)
        self.list.setVisible(bool(s.sites))
        self.hint.set(tr("scroll.hint", lang) if s.sites else "")
        if loading:
            self.waiting.set(tr("site.loading", lang))
        elif not s.sites:
            self.waiting.set(tr("site.empty", lang))
        else:
            self.waiting.set("")
        if s.site is None:
            self.chosen_icon.set("info")
            self.chosen.set(tr("site.none_yet", lang))
        else:
            self.chosen_icon.set("check")
            self.chosen.set(f"{tr('selected', lang)}: {site_name(s.site, lang)}")
        self.nav.configure(lang, primary="next", enabled=s.can_go_next())
