"""Scoring the PHQ-9 and GAD-7 by their published rules, and the one-number ratings."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from therapist_desk.clinical import scoring
from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.errors import InvalidInput

#: The published bands, written out by hand (not derived from the module under test).
PHQ9_BANDS = {
    "Minimal": range(0, 5),
    "Mild": range(5, 10),
    "Moderate": range(10, 15),
    "Moderately severe": range(15, 20),
    "Severe": range(20, 28),
}
GAD7_BANDS = {
    "Minimal": range(0, 5),
    "Mild": range(5, 10),
    "Moderate": range(10, 15),
    "Severe": range(15, 22),
}


def answers_adding_up_to(total: int, count: int) -> tuple[int, ...]:
    """Answers of 0–3 that sum to `total`, the highest first ("3, 3, 1, 0, …")."""
    answers = []
    left = total
    for _ in range(count):
        answers.append(min(3, left))
        left -= answers[-1]
    assert left == 0
    return tuple(answers)


def expected_band(bands: dict[str, range], total: int) -> str:
    (label,) = [label for label, totals in bands.items() if total in totals]
    return label


@pytest.mark.parametrize("total", range(28))
def test_every_phq9_total_falls_in_its_published_band(total: int) -> None:
    # Item 9 last, so the big totals also exercise the alert; the band ignores it.
    result = scoring.score(MeasureKind.PHQ9, answers_adding_up_to(total, 9))
    assert result.total == total
    assert result.band is not None
    assert result.band.label == expected_band(PHQ9_BANDS, total)


@pytest.mark.parametrize("total", range(22))
def test_every_gad7_total_falls_in_its_published_band(total: int) -> None:
    result = scoring.score(MeasureKind.GAD7, answers_adding_up_to(total, 7))
    assert result.total == total
    assert result.band is not None
    assert result.band.label == expected_band(GAD7_BANDS, total)
    assert result.self_harm_alert is False


@pytest.mark.parametrize(
    ("kind", "total", "label"),
    [
        (MeasureKind.PHQ9, 4, "Minimal"),
        (MeasureKind.PHQ9, 5, "Mild"),
        (MeasureKind.PHQ9, 9, "Mild"),
        (MeasureKind.PHQ9, 10, "Moderate"),
        (MeasureKind.PHQ9, 14, "Moderate"),
        (MeasureKind.PHQ9, 15, "Moderately severe"),
        (MeasureKind.PHQ9, 19, "Moderately severe"),
        (MeasureKind.PHQ9, 20, "Severe"),
        (MeasureKind.PHQ9, 27, "Severe"),
        (MeasureKind.GAD7, 4, "Minimal"),
        (MeasureKind.GAD7, 5, "Mild"),
        (MeasureKind.GAD7, 9, "Mild"),
        (MeasureKind.GAD7, 10, "Moderate"),
        (MeasureKind.GAD7, 14, "Moderate"),
        (MeasureKind.GAD7, 15, "Severe"),
        (MeasureKind.GAD7, 21, "Severe"),
    ],
)
def test_band_edges(kind: MeasureKind, total: int, label: str) -> None:
    band = scoring.band_of(kind, total)
    assert band is not None
    assert band.label == label


@pytest.mark.parametrize(("kind", "total"), [(MeasureKind.PHQ9, 28), (MeasureKind.GAD7, 22)])
def test_a_total_beyond_the_highest_band_is_refused(kind: MeasureKind, total: int) -> None:
    with pytest.raises(InvalidInput, match=f"not {total}"):
        scoring.band_of(kind, total)


@pytest.mark.parametrize("kind", [MeasureKind.PHQ9, MeasureKind.GAD7])
def test_the_bands_cover_every_total_once_for_a_chart_to_shade(kind: MeasureKind) -> None:
    bands = scoring.bands(kind)
    lowest, highest = scoring.value_range(kind)
    assert bands[0].low == lowest == 0
    assert bands[-1].high == highest
    for below, above in itertools.pairwise(bands):
        assert above.low == below.high + 1


def test_ratings_have_no_bands_and_their_own_range() -> None:
    assert scoring.bands(MeasureKind.SCALE) == ()
    assert scoring.bands(MeasureKind.SUDS) == ()
    assert scoring.value_range(MeasureKind.SCALE) == (0, 10)
    assert scoring.value_range(MeasureKind.SUDS) == (0, 100)
    assert scoring.value_range(MeasureKind.PHQ9) == (0, 27)
    assert scoring.value_range(MeasureKind.GAD7) == (0, 21)


@pytest.mark.parametrize("item9", [0, 1, 2, 3])
def test_the_item_9_alert_follows_item_9_alone(item9: int) -> None:
    """Any thought of self-harm is flagged, even when the total is minimal."""
    answers = (0, 0, 0, 0, 0, 0, 0, 0, item9)
    result = scoring.score(MeasureKind.PHQ9, answers)
    assert result.self_harm_alert is (item9 > 0)
    assert scoring.self_harm_answer(MeasureKind.PHQ9, answers) == item9
    assert result.band is not None
    assert result.band.label == "Minimal"


@pytest.mark.parametrize("item9", [0, 1, 2, 3])
def test_a_severe_phq9_without_item_9_raises_no_alert_and_one_with_it_does(item9: int) -> None:
    answers = (3, 3, 3, 3, 3, 3, 3, 3, item9)
    assert scoring.self_harm_alert(MeasureKind.PHQ9, answers) is (item9 > 0)


def test_only_the_phq9_has_an_item_9_alert() -> None:
    assert scoring.self_harm_alert(MeasureKind.GAD7, (3, 3, 3, 3, 3, 3, 3)) is False
    assert scoring.self_harm_alert(MeasureKind.SUDS, (100,)) is False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_a_phq9_scores_the_plain_sum_of_its_items(answers: list[int]) -> None:
    result = scoring.score(MeasureKind.PHQ9, answers)
    assert result.total == sum(answers)
    assert result.band is not None
    assert result.band.label == expected_band(PHQ9_BANDS, sum(answers))
    assert result.self_harm_alert is (answers[8] > 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=7, max_size=7))
def test_a_gad7_scores_the_plain_sum_of_its_items(answers: list[int]) -> None:
    result = scoring.score(MeasureKind.GAD7, answers)
    assert result.total == sum(answers)
    assert result.band is not None
    assert result.band.label == expected_band(GAD7_BANDS, sum(answers))


@pytest.mark.parametrize(("kind", "value"), [(MeasureKind.SCALE, v) for v in (0, 7, 10)])
def test_a_scale_rating_is_its_one_value(kind: MeasureKind, value: int) -> None:
    result = scoring.score(kind, (value,))
    assert (result.total, result.band, result.self_harm_alert) == (value, None, False)
    assert result.summary == str(value)


def test_a_suds_rating_runs_to_100() -> None:
    assert scoring.score(MeasureKind.SUDS, (100,)).total == 100
    assert scoring.score(MeasureKind.SUDS, (0,)).total == 0


def test_the_summary_names_the_band() -> None:
    assert scoring.score(MeasureKind.PHQ9, (2, 2, 2, 2, 2, 2, 0, 0, 0)).summary == "12 (Moderate)"


@pytest.mark.parametrize(
    ("kind", "items", "problems"),
    [
        (
            MeasureKind.PHQ9,
            (1, 1, 1, 1, 1, 1, 1, 1),
            ["The PHQ-9 has 9 items; 8 were answered."],
        ),
        (
            MeasureKind.PHQ9,
            (0, 0, 4, 0, 0, 0, 0, 0, -1),
            [
                "PHQ-9 item 3 is answered 0 to 3, not 4.",
                "PHQ-9 item 9 is answered 0 to 3, not -1.",
            ],
        ),
        (MeasureKind.GAD7, (), ["The GAD-7 has 7 items; 0 were answered."]),
        (MeasureKind.GAD7, (1,), ["The GAD-7 has 7 items; 1 was answered."]),
        (MeasureKind.SCALE, (11,), ["A 0–10 scale rating is 0 to 10, not 11."]),
        (MeasureKind.SCALE, (), ["A 0–10 scale rating is one number; 0 were given."]),
        (MeasureKind.SUDS, (101,), ["A SUDS rating is 0 to 100, not 101."]),
        (MeasureKind.SUDS, (10, 20), ["A SUDS rating is one number; 2 were given."]),
        (
            MeasureKind.PHQ9,
            (True, 0, 0, 0, 0, 0, 0, 0, 0),
            ["The answers of a PHQ-9 must be whole numbers."],
        ),
    ],
    ids=[
        "phq9 short",
        "phq9 out of range",
        "gad7 empty",
        "gad7 one answer",
        "scale above 10",
        "scale empty",
        "suds above 100",
        "suds two ratings",
        "a bool is not an answer",
    ],
)
def test_answers_that_cannot_be_scored_are_refused_with_each_problem(
    kind: MeasureKind, items: tuple[int, ...], problems: list[str]
) -> None:
    assert scoring.item_problems(kind, items) == problems
    with pytest.raises(InvalidInput) as refused:
        scoring.score(kind, items)
    assert list(refused.value.problems) == problems
    assert refused.value.message.startswith(f"The {scoring.display_name(kind)} cannot be scored")


def test_the_entry_form_has_the_published_wording() -> None:
    assert len(scoring.PHQ9.items) == 9
    assert len(scoring.GAD7.items) == 7
    assert scoring.PHQ9.items[0] == "Little interest or pleasure in doing things"
    assert scoring.PHQ9.items[8] == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert scoring.GAD7.items[0] == "Feeling nervous, anxious or on edge"
    assert scoring.GAD7.items[6] == "Feeling afraid as if something awful might happen"
    assert scoring.RESPONSES == (
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    )
    assert scoring.PHQ9.stem.startswith("Over the last 2 weeks")
    assert scoring.QUESTIONNAIRES[MeasureKind.GAD7] is scoring.GAD7
    assert "Pfizer" in scoring.ATTRIBUTION
