"""What makes a passphrase acceptable, and how strong a candidate is.

zxcvbn (Dropbox's estimator) judges strength by what attackers actually try
(common words, names, keyboard walks, dates, l33t substitutions), which a
length-and-character-classes rule cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 10
#: zxcvbn scores 0–4; 3 is "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3
SCORE_WORDS = ("very weak", "weak", "fair", "strong", "very strong")
# zxcvbn's cost grows with length; beyond this only the first part is scored.
_SCORED_PREFIX = 100


@dataclass(frozen=True)
class Strength:
    score: int
    acceptable: bool
    #: One sentence for the user: what is wrong, or how strong it is.
    advice: str

    @property
    def label(self) -> str:
        return SCORE_WORDS[self.score]


def assess(passphrase: str, user_words: tuple[str, ...] = ()) -> Strength:
    """Judge a new passphrase; `user_words` (names, the practice) count as guessable."""
    if len(passphrase) < MIN_LENGTH:
        return Strength(
            0, False, f"Use at least {MIN_LENGTH} characters; a few unrelated words work well."
        )
    if passphrase != passphrase.strip():
        return Strength(0, False, "Leave out spaces at the start and end; they are easy to forget.")
    result = zxcvbn(passphrase[:_SCORED_PREFIX], user_inputs=list(user_words))
    score = int(result["score"])
    if score >= MIN_SCORE:
        return Strength(score, True, f"Strength: {SCORE_WORDS[score]}.")
    feedback = result.get("feedback", {})
    hint = feedback.get("warning") or " ".join(feedback.get("suggestions", [])) or ""
    advice = f"Too easy to guess ({SCORE_WORDS[score]}). Add another uncommon word or two."
    return Strength(score, False, f"{advice} {hint}".strip())
