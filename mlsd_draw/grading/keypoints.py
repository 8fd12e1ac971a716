"""Which key points a typed answer mentions, by meaning rather than by exact words.

A quiz card lists the key points a good spoken answer would make ("cheap stage for
recall", "ANN index"); a person types an answer in their own words. Both are read the way
the grader reads labels (:mod:`.normalise`): lowercase words, prefixes joined, shorthand
spelt out, stop words and plurals dropped, words stemmed, and British and American
spellings folded (`normalised` = `normalized`, `neighbour` = `neighbor`). Then:

- two words with one root are one word (`calibrated`, `calibration`);
- a word of the answer one typo away from a key-point word, or shorthand for it
  (`trng`, `retrvl`), reads as that word (:mod:`.shorthand`, as for attempt labels);
- an acronym stands for the words whose initials it spells, either way round (`NCE`
  for `normalised cross entropy`, `approximate nearest neighbour` for `ANN`);
- a vocabulary term and the words of its role are the same thing (:mod:`.vocabulary`):
  `HNSW` or `Faiss` in the answer covers `ANN index` in a key point, `XGBoost` covers
  `ranker`.

A key point counts as mentioned when most of its content words (more than half) are
covered. The share of key points mentioned suggests the review rating:

| key points mentioned | suggested rating |
| --- | --- |
| 25% or less | Again |
| under 60% | Hard |
| under 90% | Good |
| 90% or more | Easy |

An empty answer (the person said it out loud) suggests nothing: only they can rate it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .normalise import STOP_WORDS, normal_words, raw_tokens, stem_word, wordset
from .shorthand import ReferenceWords
from .spellings import Form
from .vocabulary import Vocabulary, shipped_vocabulary

__all__ = [
    "AGAIN",
    "EASY",
    "GOOD",
    "HARD",
    "KeyPointMark",
    "Marking",
    "content_stems",
    "mark_key_points",
    "suggest_rating",
]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
"""Review ratings, numbered as FSRS numbers them."""

AGAIN_AT_MOST, HARD_BELOW, GOOD_BELOW = 0.25, 0.6, 0.9
"""Coverage thresholds of the suggested rating (see the module docstring)."""

FILLER = wordset(
    "versus vs than over under not no only more less very also can should must do does "
    "make makes so too then when where which what how why who it they them we you i "
    "out up off down away"
)
"""Words that carry no content in a key point ("precision over recall"), beyond the stop
words of every label."""

_LONGEST_PHRASE = 6
"""The longest vocabulary phrase looked for in an answer, in words."""

_BRITISH = (
    (re.compile(r"is(e|es|ed|er|ers|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"(?<=.{3})our$"), "or"),
    (re.compile(r"(?<=.{3})ours$"), "ors"),
)


def _fold(word: str) -> str:
    """One spelling for British and American forms; applied to both sides alike."""
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    return word


def _stem(word: str) -> str:
    """The stem a word is compared by: spelling folded, then stemmed as labels are."""
    return stem_word(_fold(word))


def _content(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w for w in words if w not in FILLER and w not in STOP_WORDS)


def _words(text: str) -> tuple[str, ...]:
    """The normalised content words of a text (as a label's words, filler dropped)."""
    return _content(normal_words(raw_tokens(text)))


def content_stems(text: str) -> tuple[str, ...]:
    """The stems of a text's content words, in order: what a key point asks for."""
    return tuple(dict.fromkeys(_stem(w) for w in _words(text)))


@dataclass(frozen=True)
class KeyPointMark:
    """One key point and whether the answer mentions it."""

    point: str
    covered: bool
    found: int
    """How many of its content words the answer covers."""
    words: int
    """How many content words it has."""


@dataclass(frozen=True)
class Marking:
    """The key points of a card marked against an answer, and the rating they suggest."""

    marks: tuple[KeyPointMark, ...]
    coverage: float
    """The share of key points mentioned, 0 to 1."""
    suggested: int | None
    """AGAIN to EASY, or None for an empty answer."""

    @property
    def covered(self) -> list[str]:
        """The key points mentioned."""
        return [m.point for m in self.marks if m.covered]

    @property
    def missed(self) -> list[str]:
        """The key points not mentioned."""
        return [m.point for m in self.marks if not m.covered]


def suggest_rating(coverage: float) -> int:
    """The rating a share of key points mentioned suggests (see the module docstring)."""
    if coverage <= AGAIN_AT_MOST:
        return AGAIN
    if coverage < HARD_BELOW:
        return HARD
    return GOOD if coverage < GOOD_BELOW else EASY


def _form(words: tuple[str, ...], raw: tuple[str, ...]) -> Form:
    return Form(0, False, 1.0, False, raw, words, "")


def _corrected(
    answer: tuple[str, ...], points: Sequence[tuple[str, ...]], known: Iterable[str]
) -> tuple[str, ...]:
    """The answer's words with typos and shorthand of key-point words read as those words.

    Only words of five letters or more are read as typos (a short word is too often one
    edit from another real word: `rate`, `late`), and shorthand only without vowels."""
    reading = ReferenceWords(
        [_form(p, p) for p in points], [_form(answer, answer)], frozenset(known)
    )
    out: list[str] = []
    for word in answer:
        fix = reading.correction.get(word)
        vowels = sum(letter in "aeiou" for letter in word)
        out.extend(fix if fix is not None and (len(word) >= 5 or vowels <= 1) else (word,))
    return tuple(out)


def _roles(words: Sequence[str], vocabulary: Vocabulary) -> list[tuple[int, int, set[str]]]:
    """(start, end, roles) of every run of words that is a vocabulary term (not a vague
    one) or a phrase a role is named by."""
    found = []
    for start in range(len(words)):
        for end in range(min(len(words), start + _LONGEST_PHRASE), start, -1):
            named = vocabulary.roles_named_by(words[start:end])
            roles = {role for role, sureness in named.items() if sureness >= 1.0}
            if roles:
                found.append((start, end, roles))
    return found


def _acronyms(tokens: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The initials of every run of 2 to 6 words -> the run, for acronyms: three letters
    or more, or two when the run is every word given (`LR` for `logistic regression`)."""
    runs: dict[str, tuple[str, ...]] = {}
    for start in range(len(tokens)):
        for end in range(start + 2, min(len(tokens), start + 6) + 1):
            run = tuple(tokens[start:end])
            if not all(t[:1].isalpha() for t in run):
                break
            if len(run) >= 3 or (start, end) == (0, len(tokens)):
                runs.setdefault("".join(t[0] for t in run), run)
    return runs


@dataclass(frozen=True)
class _Answer:
    """An answer, read once: the stems it covers, the roles it names, its raw tokens and
    the acronyms its runs of words spell."""

    stems: frozenset[str]
    roles: frozenset[str]
    tokens: frozenset[str]
    spelt: frozenset[str]


SAME_ROOT = 6
"""Two stems of this many letters or more, one the start of the other, are one word: the
light stemmer leaves `calibrat` (calibrated) beside `calibr` (calibration)."""


def _said(stem: str, stems: frozenset[str]) -> bool:
    """Whether the answer has this stem, or one sharing its root (see SAME_ROOT)."""
    if stem in stems:
        return True
    if len(stem) < SAME_ROOT:
        return False
    return any(
        len(other) >= SAME_ROOT and (other.startswith(stem) or stem.startswith(other))
        for other in stems
    )


def _mark(point: str, answer: _Answer, vocabulary: Vocabulary) -> KeyPointMark:
    words = _words(point)
    stems = [_stem(w) for w in words]
    if not stems:
        return KeyPointMark(point, False, 0, 0)
    also: set[str] = set()  # stems the answer covers by meaning rather than by word
    for start, end, roles in _roles(words, vocabulary):
        if roles & answer.roles:
            also.update(stems[start:end])
    tokens = _content(raw_tokens(point))
    for acronym, run in _acronyms(tokens).items():  # spelt out here, short in the answer
        if acronym in answer.tokens:
            also.update(_stem(w) for w in normal_words(run))
    for token in tokens:  # short here, spelt out in the answer
        if len(token) >= 3 and token in answer.spelt:
            also.update(_stem(w) for w in normal_words([token]))
    found = sum(stem in also or _said(stem, answer.stems) for stem in stems)
    return KeyPointMark(point, 2 * found > len(stems), found, len(stems))


def mark_key_points(
    answer: str, key_points: Sequence[str], vocabulary: Vocabulary | None = None
) -> Marking:
    """Mark which `key_points` the typed `answer` mentions, and the rating that suggests
    (see the module docstring). `vocabulary` defaults to the shipped one."""
    vocabulary = vocabulary or shipped_vocabulary()
    points = [_words(p) for p in key_points]
    words = _corrected(_words(answer), points, vocabulary.words)
    roles = {role for _start, _end, found in _roles(words, vocabulary) for role in found}
    tokens = raw_tokens(answer)
    answer_view = _Answer(
        frozenset(_stem(w) for w in words),
        frozenset(roles),
        frozenset(_content(tokens)),
        frozenset(_acronyms(_content(tokens))),
    )
    marks = tuple(_mark(point, answer_view, vocabulary) for point in key_points)
    coverage = sum(m.covered for m in marks) / len(marks) if marks else 0.0
    suggested = suggest_rating(coverage) if words else None
    return Marking(marks, coverage, suggested)
