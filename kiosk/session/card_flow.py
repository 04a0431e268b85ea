"""The first stage of a session: the card is read, consent given, the look-up answered, and the
eligibility questions asked until the rules decide (DESIGN §10).

A mixin of `kiosk.session.machine.Session`: it reads and sets the session's fields (`_wipe` lists
them all) and uses its `_go_welcome`. Removing the card wipes the customer, except while a
request is in flight or once a booking exists: then its answer is shown or its slip finished
first. Only the questions the rules ask are asked, in their order; "none of these" is its own
explicit choice, so an untouched list never reads as "no conditions".
"""

from __future__ import annotations

from kiosk.eligibility import Answers, evaluate
from kiosk.session import events as ev
from kiosk.session.screens import RESTING_SCREENS, Screen


class CardFlowMixin:
    """Card in / read / failed / removed, consent and look-up, eligibility."""

    def _on_CardInserted(self, e: ev.CardInserted) -> list[ev.Effect]:
        self.card_present = True
        if self.screen == Screen.GOODBYE:
            self.fresh_card = True  # the next customer is early: read it once goodbye ends
            return []
        if self.screen != Screen.WELCOME:
            return []
        self.screen = Screen.READING
        return [ev.ReadCard()]

    def _on_CardRead(self, e: ev.CardRead) -> list[ev.Effect]:
        if self.screen != Screen.READING:
            return []
        self.card = e.card
        self.screen = Screen.CONSENT
        return []

    def _on_CardFailed(self, e: ev.CardFailed) -> list[ev.Effect]:
        if self.screen != Screen.READING:
            return []
        self.error = e.error
        self.screen = Screen.CARD_ERROR
        return []

    def _on_CardRemoved(self, e: ev.CardRemoved) -> list[ev.Effect]:
        self.card_present = False
        self.fresh_card = False
        if self.screen in (Screen.BOOKING, Screen.CHANGING):
            return []  # the request is in flight: its answer decides what happens next
        if self.booked and not self.printed and self.print_error is None:
            return []  # the slip is on its way: finish it, then say goodbye
        if self.booked or self.screen == Screen.PRINTING:
            return self._say_goodbye()
        if self.screen in RESTING_SCREENS:
            return []
        return self._go_welcome()

    def _say_goodbye(self) -> list[ev.Effect]:
        """Wipe the customer, but thank them in the language they chose; the next one starts
        in Thai (the goodbye screen returns to the welcome screen through a full wipe)."""
        language = self.language
        self._wipe()
        self.language = language
        self.screen = Screen.GOODBYE
        return [ev.Wiped()]

    # consent and look-up -------------------------------------------------------------------------

    def _on_ConsentGiven(self, e: ev.ConsentGiven) -> list[ev.Effect]:
        if self.screen != Screen.CONSENT or self.card is None:
            return []
        self.screen = Screen.LOOKUP
        return [ev.LookUp(self.card)]

    def _on_ExistingFound(self, e: ev.ExistingFound) -> list[ev.Effect]:
        # after a notice from the same look-up, the booking joins it on the same screen
        with_notice = self.screen == Screen.EXISTING and self.notice and self.existing is None
        if self.screen not in (Screen.LOOKUP, Screen.CHANGING) and not with_notice:
            return []
        self.existing, self.existing_source = dict(e.booking), e.source
        self.screen = Screen.EXISTING
        return []

    def _on_NoticeFound(self, e: ev.NoticeFound) -> list[ev.Effect]:
        if self.screen != Screen.LOOKUP:
            return []
        self.notice = dict(e.notice)
        self.screen = Screen.EXISTING
        return []

    def _on_NothingFound(self, e: ev.NothingFound) -> list[ev.Effect]:
        if self.screen != Screen.LOOKUP:
            return []
        return self._decide()

    # eligibility ---------------------------------------------------------------------------------

    def _decide(self) -> list[ev.Effect]:
        assert self.card is not None
        self.decision = evaluate(
            self.rule_set, self.card, self.answers, self.registry, self._today()
        )
        if self.decision.route == "ask":
            self.screen = Screen.QUESTION
            if self.decision.ask == "conditions":
                self.draft_conditions = None
            return []
        if (
            self.decision.route == "book-provisional"
            and self.registry == "unknown"
            and not self.registry_checked
            and self.status.online
        ):
            self.registry_checked = True
            self.screen = Screen.LOOKUP
            return [ev.CheckRegistry(self.card)]
        self.screen = Screen.DECISION
        return []

    def _on_RegistryKnown(self, e: ev.RegistryKnown) -> list[ev.Effect]:
        if self.screen != Screen.LOOKUP or self.card is None:
            return []
        self.registry = e.value if e.value in ("yes", "no", "unknown") else "unknown"
        self.registry_checked = True
        return self._decide()

    def _on_ConditionToggled(self, e: ev.ConditionToggled) -> list[ev.Effect]:
        if not self._asking("conditions") or e.code not in self.rule_set.condition_codes:
            return []
        chosen = set(self.draft_conditions or ())
        chosen ^= {e.code}
        # untoggling the last condition leaves nothing chosen, not "none of these"
        self.draft_conditions = frozenset(chosen) if chosen else None
        return []

    def _on_NoneOfThese(self, e: ev.NoneOfThese) -> list[ev.Effect]:
        if self._asking("conditions"):
            self.draft_conditions = frozenset()
        return []

    def _asking(self, question: str) -> bool:
        return (
            self.screen == Screen.QUESTION
            and self.decision is not None
            and self.decision.ask == question
        )

    def _next_question(self) -> list[ev.Effect]:
        if self.draft_conditions is None:
            return []
        return self._on_Answered(ev.Answered("conditions", self.draft_conditions))

    def _on_Answered(self, e: ev.Answered) -> list[ev.Effect]:
        if self.screen != Screen.QUESTION or self.decision is None:
            return []
        if e.question != self.decision.ask:
            return []
        if e.question == "conditions":
            codes = frozenset(e.value)
            if not codes <= self.rule_set.condition_codes:
                return []
            self.answers = Answers(codes, self.answers.works_in_bangkok)
        elif e.question == "works_in_bangkok" and isinstance(e.value, bool):
            self.answers = Answers(self.answers.conditions, e.value)
        else:
            return []
        if self.editing_from_review:
            self.editing_from_review = False
        return self._decide()
