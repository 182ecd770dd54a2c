"""Scoring the outcome measures: PHQ-9, GAD-7, 0–10 scales and SUDS.

The PHQ-9 and GAD-7 are scored by their published rules: each item is 0–3
("Not at all" to "Nearly every day"), the total is the plain sum, and the
severity band follows from the total (Kroenke, Spitzer & Williams 2001;
Spitzer et al. 2006). PHQ-9 item 9 asks about thoughts of death or self-harm;
any answer above 0 needs the therapist's attention whatever the total.

Pure functions and data only: no vault, so the entry form, the chart and the
services share one set of rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.errors import InvalidInput

#: The answers to every PHQ-9 and GAD-7 item; an answer scores its position (0–3).
RESPONSES: tuple[str, ...] = (
    "Not at all",
    "Several days",
    "More than half the days",
    "Nearly every day",
)

#: Printed under the PHQ-9 and GAD-7 wherever they are reproduced.
ATTRIBUTION = (
    "PHQ-9 and GAD-7 developed by Drs. Robert L. Spitzer, Janet B.W. Williams, "
    "Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. "
    "No permission required to reproduce, translate, display or distribute."
)

#: The PHQ-9 item (1-based) about thoughts of being better off dead or of self-harm.
SELF_HARM_ITEM = 9


@dataclass(frozen=True)
class Band:
    """A severity band: totals from `low` to `high`, both included."""

    low: int
    high: int
    label: str

    def __contains__(self, total: object) -> bool:
        return isinstance(total, int) and self.low <= total <= self.high


@dataclass(frozen=True)
class Questionnaire:
    """A questionnaire answered item by item, each item 0–3."""

    kind: MeasureKind
    name: str
    #: The question every item answers.
    stem: str
    items: tuple[str, ...]
    bands: tuple[Band, ...]
    responses: tuple[str, ...] = RESPONSES

    @property
    def highest_answer(self) -> int:
        return len(self.responses) - 1

    @property
    def highest_total(self) -> int:
        return len(self.items) * self.highest_answer


PHQ9 = Questionnaire(
    kind=MeasureKind.PHQ9,
    name="PHQ-9",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure "
        "or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? "
        "Or the opposite — being so fidgety or restless that you have been moving around "
        "a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 19, "Moderately severe"),
        Band(20, 27, "Severe"),
    ),
)

GAD7 = Questionnaire(
    kind=MeasureKind.GAD7,
    name="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 21, "Severe"),
    ),
)

QUESTIONNAIRES: dict[MeasureKind, Questionnaire] = {PHQ9.kind: PHQ9, GAD7.kind: GAD7}


@dataclass(frozen=True)
class RatingScale:
    """A measure of one rating: a 0–10 scaling question or a SUDS step (0–100)."""

    kind: MeasureKind
    name: str
    lowest: int
    highest: int


SCALE = RatingScale(MeasureKind.SCALE, "0–10 scale", 0, 10)
SUDS = RatingScale(MeasureKind.SUDS, "SUDS", 0, 100)
RATING_SCALES: dict[MeasureKind, RatingScale] = {SCALE.kind: SCALE, SUDS.kind: SUDS}


def value_range(kind: MeasureKind) -> tuple[int, int]:
    """The lowest and highest value a chart of this kind can show."""
    if kind in QUESTIONNAIRES:
        return 0, QUESTIONNAIRES[kind].highest_total
    scale = RATING_SCALES[kind]
    return scale.lowest, scale.highest


def bands(kind: MeasureKind) -> tuple[Band, ...]:
    """The severity bands of a questionnaire, lowest first; none for a rating."""
    questionnaire = QUESTIONNAIRES.get(kind)
    return questionnaire.bands if questionnaire else ()


def display_name(kind: MeasureKind) -> str:
    """ "PHQ-9", "GAD-7", "0–10 scale", "SUDS"."""
    if kind in QUESTIONNAIRES:
        return QUESTIONNAIRES[kind].name
    return RATING_SCALES[kind].name


def _is_whole_number(value: object) -> bool:
    # A bool is an int to Python, but "True" is no answer to a questionnaire item.
    return isinstance(value, int) and not isinstance(value, bool)


def item_problems(kind: MeasureKind, items: Sequence[int]) -> list[str]:
    """What is wrong with these answers, as sentences; empty when they can be scored."""
    problems: list[str] = []
    if any(not _is_whole_number(item) for item in items):
        return [f"The answers of a {display_name(kind)} must be whole numbers."]
    questionnaire = QUESTIONNAIRES.get(kind)
    if questionnaire is not None:
        if len(items) != len(questionnaire.items):
            problems.append(
                f"The {questionnaire.name} has {len(questionnaire.items)} items; "
                f"{len(items)} {'was' if len(items) == 1 else 'were'} answered."
            )
        highest = questionnaire.highest_answer
        for number, item in enumerate(items, start=1):
            if not 0 <= item <= highest:
                problems.append(
                    f"{questionnaire.name} item {number} is answered 0 to {highest}, not {item}."
                )
        return problems
    scale = RATING_SCALES[kind]
    if len(items) != 1:
        problems.append(f"A {scale.name} rating is one number; {len(items)} were given.")
    for item in items:
        if not scale.lowest <= item <= scale.highest:
            problems.append(
                f"A {scale.name} rating is {scale.lowest} to {scale.highest}, not {item}."
            )
    return problems


def check_items(kind: MeasureKind, items: Sequence[int]) -> None:
    """Raise InvalidInput, listing every problem, unless the answers can be scored."""
    problems = item_problems(kind, items)
    if problems:
        raise InvalidInput(
            f"The {display_name(kind)} cannot be scored: " + " ".join(problems), problems
        )


def total(kind: MeasureKind, items: Sequence[int]) -> int:
    """The sum of a questionnaire's answers, or a rating's one value."""
    check_items(kind, items)
    return sum(items)


def band_of(kind: MeasureKind, score: int) -> Band | None:
    """The severity band a questionnaire total falls in; None for a rating."""
    questionnaire = QUESTIONNAIRES.get(kind)
    if questionnaire is None:
        return None
    for band in questionnaire.bands:
        if score in band:
            return band
    raise InvalidInput(
        f"A {questionnaire.name} total is 0 to {questionnaire.highest_total}, not {score}."
    )


def self_harm_answer(kind: MeasureKind, items: Sequence[int]) -> int:
    """The answer to PHQ-9 item 9 (0–3); 0 for every other measure."""
    if kind is not MeasureKind.PHQ9 or len(items) < SELF_HARM_ITEM:
        return 0
    return items[SELF_HARM_ITEM - 1]


def self_harm_alert(kind: MeasureKind, items: Sequence[int]) -> bool:
    """True when PHQ-9 item 9 is above 0, whatever the total."""
    return self_harm_answer(kind, items) > 0


@dataclass(frozen=True)
class Score:
    kind: MeasureKind
    total: int
    #: The severity band of a questionnaire; None for a 0–10 scale or SUDS.
    band: Band | None
    #: PHQ-9 item 9 above 0 (thoughts of being better off dead or of self-harm).
    self_harm_alert: bool

    @property
    def summary(self) -> str:
        """ "12 (Moderate)" for a questionnaire, "7" for a rating."""
        return f"{self.total} ({self.band.label})" if self.band else str(self.total)


def score(kind: MeasureKind, items: Sequence[int]) -> Score:
    """Score a measure; raises InvalidInput when the answers cannot be scored."""
    value = total(kind, items)
    return Score(kind, value, band_of(kind, value), self_harm_alert(kind, items))
