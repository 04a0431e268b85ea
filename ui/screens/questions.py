"""The questions the rules ask, and only those: the seven conditions, then works-in-Bangkok.

The conditions are big toggles, several may be chosen, and "none of these" is its own explicit
choice; Next stays off until something is chosen, so an untouched list never counts as "no
conditions". The yes/no question answers with one tap. Questions and labels come from the rule
set, so a newer rule set changes the screen without a new build.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens.base import ScreenView
from ui.strings import pick, tr
from ui.theme import Metrics
from ui.widgets import Button, Text, set_prop

LEFT = Qt.AlignmentFlag.AlignLeft


class QuestionView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.question = Text("", "heading")
        self.hint = Text("", "muted")
        self.body.addWidget(self.question)
        self.body.addWidget(self.hint)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)
        # conditions: a 2-column grid of toggles, "none of these" across the bottom
        self.conditions = QWidget()
        self.grid = QGridLayout(self.conditions)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(m.gap)
        self.toggles: dict[str, Button] = {}
        self.none = Button(m, role="choice", name="none-of-these", align=LEFT, boxed=True)
        set_prop(self.none, "none", "true")
        self.none.clicked.connect(lambda: self.send(ev.NoneOfThese()))
        self.pages.addWidget(self.conditions)
        # works in Bangkok: two answers side by side
        self.yesno = QWidget()
        col = QVBoxLayout(self.yesno)
        col.setContentsMargins(0, m.gap, 0, 0)
        self.yes = Button(m, icon="check", name="answer-yes", min_width=m.target * 4)
        self.no = Button(m, icon="cross", name="answer-no", min_width=m.target * 4)
        for b in (self.yes, self.no):
            b.setMinimumHeight(round(m.target * 1.4))
        self.yes.clicked.connect(lambda: self.send(ev.Answered("works_in_bangkok", True)))
        self.no.clicked.connect(lambda: self.send(ev.Answered("works_in_bangkok", False)))
        col.addWidget(self.yes)
        col.addWidget(self.no)
        col.addStretch(1)
        self.pages.addWidget(self.yesno)

    def title(self, s: Session, lang: str) -> str:
        asking = s.decision.ask if s.decision else None
        return tr("question.work.title" if asking == "works_in_bangkok" else "question.title", lang)

    def _build_toggles(self, s: Session) -> None:
        question = s.rule_set.questions.get("conditions")
        codes = [o.code for o in question.options] if question else []
        if list(self.toggles) == codes:
            return
        for b in self.toggles.values():
            b.setParent(None)
            b.deleteLater()
        self.toggles = {}
        for i, code in enumerate(codes):
            b = Button(self.m, role="choice", name=f"condition-{code}", align=LEFT, boxed=True)
            b.clicked.connect(lambda _=False, c=code: self.send(ev.ConditionToggled(c)))
            self.grid.addWidget(b, i // 2, i % 2)
            self.toggles[code] = b
        # "none of these" takes the next cell (the eighth of seven conditions), or a row
        n = len(codes)
        if n % 2:
            self.grid.addWidget(self.none, n // 2, 1)
        else:
            self.grid.addWidget(self.none, n // 2, 0, 1, 2)

    def render(self, s: Session, lang: str) -> None:
        asking = s.decision.ask if s.decision else None
        question = s.rule_set.questions.get(asking or "")
        self.question.set(pick(question.text, lang) if question else "")
        if asking == "works_in_bangkok":
            self.pages.setCurrentWidget(self.yesno)
            self.hint.set("")
            labels = {o.code: pick(o.label, lang) for o in question.options} if question else {}
            self.yes.setText(labels.get("yes", tr("yes", lang)))
            self.no.setText(labels.get("no", tr("no", lang)))
            self.nav.configure(lang, primary=None)
            return
        self.pages.setCurrentWidget(self.conditions)
        self.hint.set("")  # the rule set's question already says "choose all that apply"
        self._build_toggles(s)
        draft = s.draft_conditions
        if question is not None:
            for option in question.options:
                b = self.toggles[option.code]
                b.setText(pick(option.label, lang))
                b.set_selected(draft is not None and option.code in draft)
            self.none.setText(pick(question.none, lang) if question.none else "")
        self.none.set_selected(draft is not None and not draft)
        self.nav.configure(lang, primary="next", enabled=s.can_go_next())
