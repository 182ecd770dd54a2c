"""A pick list of the therapist's own terms (techniques, interventions, approaches).

A `CheckList` of strings, each term its own key, with a field to add a term.
"""

from __future__ import annotations

from collections.abc import Sequence

from therapist_desk.ui.common.checklist import CheckList, ChecklistModel


def _term(term: str) -> str:
    return term


def pick_list(title: str, noun: str) -> CheckList[str]:
    """The terms under `title`, with a field to add one (`noun`: "technique")."""
    return CheckList(ChecklistModel[str](_term, _term), title, adder_noun=noun)


def offer_terms(pick: CheckList[str], terms: Sequence[str], ticked: Sequence[str]) -> None:
    """Offer `terms`, `ticked` ticked; a ticked term no longer offered is kept and shown,
    so that saving never drops it."""
    pick.model.set_items([*terms, *(term for term in ticked if term not in terms)], ticked)
