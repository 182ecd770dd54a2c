"""Risk in words: level and ideation labels, and what the client header's banner says.

The banner weighs three things, in this order: the level of the latest risk
assessment (high and imminent stand out; low is a quiet line), the latest
PHQ-9's item-9 alert, and a risk concern flagged in the latest progress note.
It names levels and dates only, never what was written: a client may be in
the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from therapist_desk.clinical.measures import SelfHarmAlert
from therapist_desk.domain.records import RiskAssessment
from therapist_desk.domain.vocabulary import Ideation, RiskLevel
from therapist_desk.ui.common import formatting, theme

RISK_LEVEL_LABELS = {
    RiskLevel.LOW: "Low",
    RiskLevel.MODERATE: "Moderate",
    RiskLevel.HIGH: "High",
    RiskLevel.IMMINENT: "Imminent",
}
IDEATION_LABELS = {
    Ideation.NONE: "None",
    Ideation.PASSIVE: "Passive (wishes to be dead, no thoughts of acting)",
    Ideation.ACTIVE: "Active (thoughts of killing themself)",
}
IDEATION_SHORT = {Ideation.NONE: "None", Ideation.PASSIVE: "Passive", Ideation.ACTIVE: "Active"}


class Weight(StrEnum):
    URGENT = "urgent"  # high or imminent risk
    ATTENTION = "attention"  # moderate risk, the item-9 alert, a flagged note
    QUIET = "quiet"  # only a low-risk assessment to mention


@dataclass(frozen=True)
class Banner:
    lines: tuple[str, ...]
    weight: Weight

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def style(self) -> str:
        if self.weight is Weight.QUIET:
            return "color: palette(placeholder-text); padding: 2px 0;"
        text, background = theme.risk_colours()
        style = f"color: {text}; background: {background}; padding: 6px 10px; border-radius: 4px;"
        if self.weight is Weight.URGENT:
            style += f" font-weight: 600; border-left: 5px solid {text};"
        return style


def level_line(assessment: RiskAssessment) -> str:
    details = assessment.details
    when = formatting.optional_date(details.assessed_on)
    if details.level is RiskLevel.LOW:
        return f"Latest risk assessment: low ({when})."
    return f"{RISK_LEVEL_LABELS[details.level]} risk — assessed {when}."


def alert_line(alert: SelfHarmAlert, assessment: RiskAssessment | None) -> str:
    line = (
        f"PHQ-9 of {formatting.day(alert.taken_on)}: item 9 (thoughts of self-harm) answered "
        f"‘{alert.response}’"
    )
    assessed_on = assessment.details.assessed_on if assessment is not None else None
    if assessed_on is not None and assessed_on >= alert.taken_on:
        return f"{line}; risk assessed since, on {formatting.day(assessed_on)}."
    return f"{line} — assess risk."


def banner_for(
    assessment: RiskAssessment | None, alert: SelfHarmAlert | None, flagged: datetime | None
) -> Banner | None:
    """What the header says about risk, or None when there is nothing to say."""
    level = assessment.details.level if assessment is not None else None
    lines: list[str] = []
    if assessment is not None and level is not RiskLevel.LOW:
        lines.append(level_line(assessment))
    if alert is not None:
        lines.append(alert_line(alert, assessment))
    if flagged is not None:
        lines.append(
            "Risk concern noted in the session of "
            f"{formatting.day(formatting.local(flagged).date())}."
        )
    if assessment is not None and level is RiskLevel.LOW:
        lines.append(level_line(assessment))  # context, after anything louder
    if not lines:
        return None
    if level in (RiskLevel.HIGH, RiskLevel.IMMINENT):
        weight = Weight.URGENT
    elif level is RiskLevel.MODERATE or alert is not None or flagged is not None:
        weight = Weight.ATTENTION
    else:
        weight = Weight.QUIET
    return Banner(tuple(lines), weight)
