"""Reading an attempt's words as the reference's: typos, and shorthand written in a hurry.

Under a timer people write `trainig`, `rrk`, `trng`, `retrvl`, `candgen`. Each such word is
compared with the words the reference itself uses, never with a dictionary, so a word is
only ever read as something this reference says:

- a typo: within one edit of a reference word (two for 8 letters or more);
- dropped vowels: the word's letters appear in order in one reference word, starting with
  its first letter, and the word has at most one vowel (`trng` -> `training`, `rrk` ->
  `reranking`);
- a clipped word: the start of a longer reference word, at least 4 letters (`retrie`);
- two clipped words run together, as they stand side by side in a reference name
  (`candgen` -> `candidate generation`).

Short strings would fit many words, so a reading counts only when one reference word fits
clearly better than every other, and words a vocabulary knows are never reread.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .normalise import stem_word
from .spellings import Form

__all__ = ["ReferenceWords", "abbreviates"]

VOWELS = frozenset("aeiou")
MIN_SHORTHAND = 3
MIN_CLIPPED = 4
MAX_SHARE = 0.75
"""Shorthand is clearly shorter than its word: at most this share of its letters."""
CLEARLY_BETTER = 0.85
"""A reading wins only when every other reading that means something else fits less than
this share as well."""
MAX_CLIPPED = 0.6
"""A clipped start keeps at most this share: `retr` for `retrieval`, not `model` for
`modeling` (a different word that merely starts the same)."""


def _kept_share(short: str, word: str) -> float:
    """0 unless the letters of `short` appear in order in `word`, starting at its first;
    else the share of the word's consonants up to the last letter kept that `short` keeps
    (`trng` keeps 4 of `trainin`g's 5, but only 4 of `targeting`'s 6)."""
    if not short or not word or short[0] != word[0]:
        return 0.0
    position = 1
    for letter in short[1:]:
        position = word.find(letter, position) + 1
        if position == 0:
            return 0.0
    consonants = sum(letter not in VOWELS for letter in word[:position])
    return len(short) / max(consonants, len(short))


def abbreviates(short: str, word: str, *, minimum: int = MIN_SHORTHAND) -> float:
    """How well `short` reads as shorthand for `word`: 0 when it does not, else the share
    of the word's letters it keeps (a clipped start counts a little more)."""
    if len(short) < minimum or len(short) > MAX_SHARE * len(word):
        return 0.0
    if word.startswith(short) and len(short) >= MIN_CLIPPED:
        return len(short) / len(word) + 0.2 if len(short) <= MAX_CLIPPED * len(word) else 0.0
    if sum(letter in VOWELS for letter in short) <= 1:
        return _kept_share(short, word)
    return 0.0


def _best(scored: dict[tuple[str, ...], float]) -> tuple[str, ...] | None:
    """The one reading that fits clearly best, or None when two readings that mean
    different things fit about as well (`rrk` fits `reranker` and `reranking` alike, but
    both are one word; it must not fit `ranking` and `recall` alike)."""
    if not scored:
        return None
    ranked = sorted(scored.items(), key=lambda item: -item[1])
    best_stems = tuple(stem_word(w) for w in ranked[0][0])
    for reading, fit in ranked[1:]:
        if (
            fit >= CLEARLY_BETTER * ranked[0][1]
            and tuple(stem_word(w) for w in reading) != best_stems
        ):
            return None
    return ranked[0][0]


class ReferenceWords:
    """The reference's words, and how attempt words it does not use are read as them."""

    def __init__(
        self,
        ref_forms: Sequence[Form],
        att_forms: Sequence[Form],
        known: Collection[str] = frozenset(),
    ) -> None:
        self.ref_words = sorted({w for f in ref_forms for w in f.words})
        ref_set = set(self.ref_words)
        pairs = {(a, b) for f in ref_forms for a, b in zip(f.words, f.words[1:], strict=False)}
        unknown = sorted(
            {w for f in att_forms for w in f.words if w not in ref_set and w.isalpha()}
        )
        self.correction: dict[str, tuple[str, ...]] = {}
        for word in unknown:
            reading = self._typo(word) if len(word) >= 4 else None
            if reading is None and word not in known:
                reading = self._shorthand(word, pairs)
            if reading is not None:
                self.correction[word] = reading

    def _typo(self, word: str) -> tuple[str, ...] | None:
        """The reference word within one edit (two for long words), if any."""
        if not self.ref_words:
            return None
        limit = 1 if len(word) <= 7 else 2
        hit = process.extractOne(word, self.ref_words, scorer=OSA.distance, score_cutoff=limit)
        if hit is not None and abs(len(hit[0]) - len(word)) <= limit:
            return (hit[0],)
        return None

    def _shorthand(self, word: str, pairs: Iterable[tuple[str, str]]) -> tuple[str, ...] | None:
        """The reference word, or pair of words, this shorthand clearly stands for."""
        scored: dict[tuple[str, ...], float] = {}
        for candidate in self.ref_words:
            fit = abbreviates(word, candidate)
            if fit:
                scored[(candidate,)] = fit
        for first, second in pairs:
            for cut in range(2, len(word) - 1):
                head, tail = word[:cut], word[cut:]
                fit_head = 1.0 if head == first else abbreviates(head, first, minimum=2)
                fit_tail = 1.0 if tail == second else abbreviates(tail, second, minimum=2)
                if fit_head and fit_tail and len(word) >= 5:
                    scored[(first, second)] = max(
                        scored.get((first, second), 0.0), (fit_head + fit_tail) / 2
                    )
        return _best(scored)

    def correct(self, words: Iterable[str]) -> tuple[str, ...]:
        """The words with typos and shorthand replaced by the reference words they stand for."""
        out: list[str] = []
        for word in words:
            out.extend(self.correction.get(word, (word,)))
        return tuple(out)
