"""Label evidence: how strongly each (reference node, attempt node) pair is named alike.

For every pair it collects the kinds of evidence the grading spec names (exact, alias,
acronym, fuzzy, description), the best over the spellings of both nodes: equal normalised
words, a rarity-weighted (IDF) overlap of word stems with typo correction towards the
reference's words, acronyms read either way, and the attempt's description text. It is kept
apart from structure and assignment because it looks only at names, never at edges, and
yields one dense evidence matrix that those later steps consume.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from ..language.model import Diagram, Node
from .matrices import Matrix, build, entries, scale_columns, to_array, use_dense
from .normalise import ABBREVIATIONS, STOP_WORDS, normal_words, raw_tokens, stem_word
from .shorthand import ReferenceWords
from .spellings import Form, description_text, forms, keep_best, whole_merged_names
from .terms import VAGUE, TermMatch, reference_roles, term_matches
from .vocabulary import Vocabulary

__all__ = ["KINDS", "NORMALISED_EQUAL", "Evidence", "FloatArray", "label_evidence"]

FloatArray = npt.NDArray[np.float64]

NORMALISED_EQUAL = 0.97
"""Equal only after normalisation (`txt enc` = `text encoder`): still `exact` or `alias`."""
SAME_STEMS = 0.93
"""Same words up to typos, word order or inflection (`Train model` = `Model training`)."""
ACRONYM = 0.9
HEAD_MISMATCH = 0.9
"""Shared words count less when the attempt lacks the reference name's head noun."""
MODIFIER_ONLY = 0.8
"""Further discount when the attempt's words are only modifiers of the reference name
(`model` for `model registry`, `training` for `training data`)."""
DESCRIPTION_PHRASE = 0.8
DESCRIPTION_WORD = 0.6
DESCRIPTION_OVERLAP = 0.8
COMPACT_RATIO = 95.0
"""token_sort_ratio on stems above which split or joined words count (`datawarehouse`)."""

REJECT = 0.65
"""The evidence a pair needs to be made on its own; leaving a node unpaired costs this much
in the assignment, so weaker pairs need their neighbours' support."""
TERM_AND_WORDS = 0.5
"""How much the words a term's box shares with a component add to the term's evidence."""

KINDS = ("exact", "alias", "acronym", "fuzzy", "term", "description")
"""The kinds of label evidence, earlier winning ties; `align` reports them as a pair's `how`."""


def _equal_kind(ref: Form, att: Form, same_surface: bool) -> str:
    """Why two spellings with equal normalised words pair, as the grading spec names it.

    `exact` is the same name up to case and punctuation; a reference alias is `alias`;
    equal only once shorthand is spelt out (`emb svc`) is `acronym`; equal only once
    plurals, joined prefixes or word order are set aside is `fuzzy`.
    """
    if ref.is_alias:
        return "alias"
    if same_surface:
        return "exact"
    if any(token in ABBREVIATIONS for token in (*ref.raw, *att.raw)):
        return "acronym"
    return "fuzzy"


class Evidence:
    """Label evidence per (reference, attempt) node pair: a dense fuzzy matrix, and the
    few pairs that other kinds of evidence (exact, alias, acronym, description) touch."""

    def __init__(self, nr: int, na: int) -> None:
        self.fuzzy = np.zeros((nr, na))
        self.points: dict[str, dict[tuple[int, int], float]] = {
            kind: {} for kind in KINDS if kind != "fuzzy"
        }
        self.terms: dict[tuple[int, int], tuple[str, str]] = {}
        """For each pair with term evidence: the term and the role it was read as."""
        self.written_aliases: set[tuple[int, int]] = set()
        """Pairs where the box's name is one of the component's aliases word for word."""

    def add(self, kind: str, ref: int, att: int, value: float) -> None:
        """Record evidence of one kind for a pair, keeping the strongest."""
        if kind == "fuzzy":
            self.fuzzy[ref, att] = max(self.fuzzy[ref, att], value)
            return
        points = self.points[kind]
        if value > points.get((ref, att), 0.0):
            points[(ref, att)] = value

    def add_term(self, match: TermMatch) -> None:
        """Record term evidence, remembering which term and role it rests on.

        Other evidence for the same pair adds to it, and it adds to other evidence: `ScaNN
        idx` reads as an ANN term, and its `idx` shared with `Listing embedding index` makes
        that reading the stronger one; a `MySQL` described as `videos table` is the video
        catalog rather than another component its description mentions.
        """
        key = (match.reference, match.attempt)
        other_kind = max((k for k in KINDS if k != "term"), key=lambda k: self.get(k, *key))
        other = self.get(other_kind, *key)
        strong, weak = max(other, match.value), min(other, match.value)
        value = min(1.0 - (1.0 - strong) * (1.0 - TERM_AND_WORDS * weak), match.cap)
        if match.value <= other:  # the term only supports what the names already say
            self.add(other_kind, *key, max(value, other))
        elif value > self.points["term"].get(key, 0.0):
            self.points["term"][key] = value
            self.terms[key] = (match.term, match.role)

    def cap_attempt(
        self,
        att: int,
        cap: float,
        refs: Sequence[int] | None = None,
        keep: tuple[str, ...] = ("exact",),
    ) -> None:
        """Limit every kind of evidence but those in `keep` for one attempt node (towards
        the reference nodes `refs`, or all)."""
        rows = list(range(self.fuzzy.shape[0])) if refs is None else list(refs)
        self.fuzzy[rows, att] = np.minimum(self.fuzzy[rows, att], cap)
        chosen = set(rows)
        for kind, points in self.points.items():
            if kind not in keep:
                for key in [k for k in points if k[1] == att and k[0] in chosen]:
                    points[key] = min(points[key], cap)

    def get(self, kind: str, ref: int, att: int) -> float:
        """The evidence of one kind for a pair (0 when there is none)."""
        if kind == "fuzzy":
            return float(self.fuzzy[ref, att])
        return self.points[kind].get((ref, att), 0.0)

    def best(self) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """The strongest evidence per pair and the index in KINDS of its kind.

        On a tie the stronger kind (earlier in KINDS) is reported.
        """
        value = self.fuzzy.copy()
        kind = np.full(value.shape, KINDS.index("fuzzy"), dtype=np.int8)
        for k in sorted(range(len(KINDS)), reverse=True):
            name = KINDS[k]
            if name == "fuzzy":
                continue
            weaker = k > KINDS.index("fuzzy")
            for (i, j), v in self.points[name].items():
                if v > value[i, j] or (v == value[i, j] and not weaker):
                    value[i, j] = v
                    kind[i, j] = k
        return value, kind


def _idf(docs: Sequence[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency of each term: rare words identify, common ones do not."""
    df: dict[str, int] = {}
    for doc in docs:
        for term in doc:
            df[term] = df.get(term, 0) + 1
    n = len(docs)
    return {term: math.log((n + 1.0) / (count + 0.5)) for term, count in df.items()}


def _incidence(sets: Sequence[frozenset[str]], index: dict[str, int], dense: bool) -> Matrix:
    """A 0/1 matrix: one row per set, one column per indexed term."""
    rows: list[int] = []
    cols: list[int] = []
    for row, terms in enumerate(sets):
        for term in terms:
            col = index.get(term)
            if col is not None:
                rows.append(row)
                cols.append(col)
    return build(rows, cols, (len(sets), len(index)), dense=dense)


def _among(values: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which `values` are among `keys` (`numpy.isin` without its import of numpy.ma, a
    tenth of a fresh grade's numpy time)."""
    known = set(keys.tolist())
    return np.fromiter((v in known for v in values.tolist()), dtype=bool, count=len(values))


def _scatter_max(
    target: FloatArray,
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    values: FloatArray,
) -> None:
    """target[rows, cols] = max(target[rows, cols], values), with repeated indices."""
    if len(values):
        np.maximum.at(target, (rows, cols), values)


def label_evidence(
    reference: Diagram, attempt: Sequence[Node], vocabulary: Vocabulary | None = None
) -> Evidence:
    """Label evidence for every (reference node, attempt node) pair, by kind, to be solved on.

    Each value is the best over the spellings of both nodes, discounted for aliases,
    stripped qualifiers and parts of merged names. With a `vocabulary`, a box named by a
    term is read by the role the term plays, and a vague word counts only weakly.
    """
    ref_forms = forms(reference.nodes, attempt=False)
    att_forms = forms(attempt, attempt=True)
    nr, na = len(reference.nodes), len(attempt)
    evidence = Evidence(nr, na)
    if not ref_forms or not att_forms:
        return evidence
    vocab = ReferenceWords(ref_forms, att_forms, vocabulary.words if vocabulary else ())
    att_corrected = [vocab.correct(f.words) for f in att_forms]
    ref_stems = [frozenset(map(stem_word, f.words)) for f in ref_forms]
    att_stems = [frozenset(map(stem_word, words)) for words in att_corrected]

    # Term weights: a stem shared by many components ("model", "service") says little.
    ref_docs: list[set[str]] = [set() for _ in range(nr)]
    for form, stems in zip(ref_forms, ref_stems, strict=True):
        ref_docs[form.node] |= stems
    att_docs: list[set[str]] = [set() for _ in range(na)]
    for form, stems in zip(att_forms, att_stems, strict=True):
        att_docs[form.node] |= stems
    idf = _idf([frozenset(d) for d in ref_docs + att_docs])

    r_node = np.array([f.node for f in ref_forms], dtype=np.int64)
    a_node = np.array([f.node for f in att_forms], dtype=np.int64)
    a_factor = np.array([f.weight for f in att_forms])
    a_cap = np.array([f.cap for f in att_forms])
    r_factor = np.array([f.weight for f in ref_forms])

    # Exact and alias: equal normalised words.
    exact_index: dict[tuple[str, ...], list[int]] = {}
    for k, form in enumerate(ref_forms):
        exact_index.setdefault(form.words, []).append(k)
    part_equals: dict[int, dict[int, tuple[float, str]]] = {}  # part form -> node -> best
    for g, form in enumerate(att_forms):
        equal: list[tuple[Form, float, str]] = []
        for k in exact_index.get(form.words, ()):
            ref = ref_forms[k]
            same = ref.raw == form.raw
            equal.append((ref, 1.0 if same else NORMALISED_EQUAL, _equal_kind(ref, form, same)))
            if same and ref.is_alias and not form.is_part:
                evidence.written_aliases.add((ref.node, form.node))
        if att_corrected[g] != form.words:
            corrected = exact_index.get(att_corrected[g], ())
            equal += [(ref_forms[k], SAME_STEMS, "fuzzy") for k in corrected]
        for ref, base, kind in equal:
            full = base * form.weight * ref.weight
            evidence.add(kind, ref.node, form.node, min(full, form.cap))
            if form.is_part:
                keep_best(part_equals.setdefault(g, {}), ref.node, full, kind)
    for kind, ref_node, att_node, value in whole_merged_names(att_forms, part_equals):
        evidence.add(kind, ref_node, att_node, value)

    # Fuzzy: weighted Dice overlap of stems (order-free, typo-corrected, subset-aware).
    terms = sorted(idf)
    term_index = {t: i for i, t in enumerate(terms)}
    weights = np.array([idf[t] for t in terms])
    dense = use_dense(nr, na)
    r_inc = _incidence(ref_stems, term_index, dense)
    a_inc = _incidence(att_stems, term_index, dense)
    r_mass = np.asarray(r_inc @ weights).ravel()
    a_mass = np.asarray(a_inc @ weights).ravel()
    rows, cols, shared = entries(scale_columns(r_inc, weights) @ a_inc.T)
    dice = 2.0 * shared / (r_mass[rows] + a_mass[cols])
    # Head nouns: `fusion` names a kind of `multimodal fusion`, `training pairs` are pairs,
    # and `training` is only a modifier of `training data`.
    r_head = np.array([term_index.get(f.head, -1) for f in ref_forms], dtype=np.int64)
    a_head = np.array(
        [term_index.get(stem_word(vocab.correct((f.head,))[0]), -1) for f in att_forms],
        dtype=np.int64,
    )
    width = len(terms)
    a_rows, a_cols, _ = entries(a_inc)
    r_rows, r_cols, _ = entries(r_inc)
    a_keys = a_rows * width + a_cols
    r_keys = r_rows * width + r_cols
    ref_head_named = _among(cols * width + r_head[rows], a_keys) & (r_head[rows] >= 0)
    att_head_named = _among(rows * width + a_head[cols], r_keys) & (a_head[cols] >= 0)
    covered = shared >= a_mass[cols] - 1e-9
    dice = np.minimum(dice, SAME_STEMS)
    dice = np.where(ref_head_named & att_head_named, dice, dice * HEAD_MISMATCH)
    dice = np.where(~ref_head_named & covered, dice * MODIFIER_ONLY, dice)
    dice = np.minimum(dice * a_factor[cols] * r_factor[rows], a_cap[cols])
    _scatter_max(evidence.fuzzy, r_node[rows], a_node[cols], dice)

    # Fuzzy: near-identical stem strings catch words split or joined (`data warehouse`).
    r_strings = [" ".join(sorted(s)) for s in ref_stems]
    a_strings = [" ".join(sorted(s)) for s in att_stems]
    ratios = process.cdist(
        r_strings,
        a_strings,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=COMPACT_RATIO,
        dtype=np.uint8,
    )
    rr, cc = np.nonzero(ratios)
    vals = ratios[rr, cc].astype(np.float64) / 100.0 * SAME_STEMS * a_factor[cc] * r_factor[rr]
    vals = np.minimum(vals, a_cap[cc])
    _scatter_max(evidence.fuzzy, r_node[rr], a_node[cc], vals)

    _acronyms(ref_forms, att_forms, att_corrected, vocab, idf, evidence)
    _descriptions(reference, attempt, ref_forms, ref_stems, vocab, evidence)
    if vocabulary is not None:
        for match in term_matches(reference, ref_forms, attempt, att_forms, vocabulary):
            evidence.add_term(match)
        _weaken_vague_words(reference, ref_forms, attempt, vocabulary, evidence)
    return evidence


def _weaken_vague_words(
    reference: Diagram,
    ref_forms: Sequence[Form],
    attempt: Sequence[Node],
    vocabulary: Vocabulary,
    evidence: Evidence,
) -> None:
    """An everyday word (`user`, `app`, `DB`, `model`) names a box only through the roles
    it can play or a reference's own name for it: it is not read by resemblance as a
    component that plays none of them (`model` is not the model registry), and when
    several components' names or aliases claim it (`user`: the request, or the `users`
    store), it is read weakly, so that only its neighbours decide."""
    vague = [
        (j, hit)
        for j, node in enumerate(attempt)
        if (hit := vocabulary.term(normal_words(raw_tokens(node.label)))) is not None and hit.vague
    ]
    if not vague:
        return
    playing = reference_roles(reference, ref_forms, vocabulary)
    for j, hit in vague:
        players = {i for role in hit.roles for i in playing.get(role, {})}
        others = [i for i in range(len(reference.nodes)) if i not in players]
        evidence.cap_attempt(j, 0.0, others, keep=("exact", "alias"))
    label, _kind = evidence.best()
    for j, hit in vague:
        claimants = np.nonzero(label[:, j] >= REJECT)[0]
        if len(claimants) < 2:
            continue
        # `user` is a client: when one claimant is drawn as the kind its roles have (the
        # request, not the `users` store), that one keeps the word and the others lose it.
        kinds = {vocabulary.roles[r].kind for r in hit.roles if r in vocabulary.roles}
        fitting = [int(i) for i in claimants if reference.nodes[int(i)].kind in kinds]
        if len(fitting) == 1:
            others = [int(i) for i in claimants if int(i) != fitting[0]]
            evidence.cap_attempt(j, VAGUE, others)
        else:
            evidence.cap_attempt(j, VAGUE)


def _weighted_dice(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    """Dice overlap of two stem sets, each stem weighted by its rarity."""
    shared = sum(idf.get(t, 1.0) for t in a & b)
    total = sum(idf.get(t, 1.0) for t in a) + sum(idf.get(t, 1.0) for t in b)
    return 2.0 * shared / total if total else 0.0


def _acronym_token(token: str) -> bool:
    """Whether a token may be an acronym: 2 to 6 letters and not known shorthand."""
    return 2 <= len(token) <= 6 and token.isalpha() and token not in ABBREVIATIONS


def _runs(raw: tuple[str, ...], wanted: set[str]) -> Iterable[tuple[str, list[str]]]:
    """(initials, words) of each run of 2 to 6 words whose initials are wanted.

    Runs are read with and without stop words: `learning to rank` gives `ltr` and `lr`.
    """
    for tokens in (list(raw), [t for t in raw if t not in STOP_WORDS]):
        for start in range(len(tokens)):
            initials = tokens[start][0] if tokens[start].isalpha() else ""
            for end in range(start + 1, min(len(tokens), start + 6)):
                if not initials or not tokens[end].isalpha():
                    break
                initials += tokens[end][0]
                if initials in wanted:
                    yield initials, tokens[start : end + 1]


def _acronyms(
    ref_forms: Sequence[Form],
    att_forms: Sequence[Form],
    att_corrected: Sequence[tuple[str, ...]],
    vocab: ReferenceWords,
    idf: dict[str, float],
    out: Evidence,
) -> None:
    """`ANN` for `approximate nearest neighbor (index)`, `CTR model`: either side may abbreviate.

    A short token that is not a known word is replaced by the run of words of the other side
    whose initials it spells, and the result is compared with that spelling. Two letters are
    only trusted when they stand for the whole other name (`FS`, `LB`).
    """
    known = set(vocab.ref_words)
    att_words = {w for f in att_forms for w in f.raw}
    sides = ((att_forms, ref_forms, known), (ref_forms, att_forms, att_words))
    for short_side, long_side, other_words in sides:
        wanted: dict[str, list[tuple[int, int]]] = {}
        for k, form in enumerate(short_side):
            for position, token in enumerate(form.raw):
                if _acronym_token(token) and token not in other_words:
                    wanted.setdefault(token, []).append((k, position))
        if not wanted:
            continue
        keys = set(wanted)
        for g, long in enumerate(long_side):
            for initials, run in _runs(long.raw, keys):
                for k, position in wanted[initials]:
                    short = short_side[k]
                    if len(initials) == 2 and len(run) != len(long.words):
                        continue
                    expanded = normal_words(
                        short.raw[:position] + tuple(run) + short.raw[position + 1 :]
                    )
                    if short_side is att_forms:
                        att, ref = short, long
                        att_stems = frozenset(stem_word(w) for w in vocab.correct(expanded))
                        ref_stems = frozenset(stem_word(w) for w in long.words)
                    else:
                        att, ref = long, short
                        att_stems = frozenset(stem_word(w) for w in att_corrected[g])
                        ref_stems = frozenset(stem_word(w) for w in expanded)
                    score = ACRONYM * _weighted_dice(att_stems, ref_stems, idf)
                    score = min(score * att.weight * ref.weight, att.cap)
                    out.add("acronym", ref.node, att.node, score)


def _descriptions(
    reference: Diagram,
    attempt: Sequence[Node],
    ref_forms: Sequence[Form],
    ref_stems: Sequence[frozenset[str]],
    vocab: ReferenceWords,
    out: Evidence,
) -> None:
    """Evidence from what an attempt node says about itself (`img enc: resnet / clip`).

    A description that contains a reference name of two words or more, or one word that only
    one reference component is called by, names that component. A description that shares
    two or more words with a component's names, note and description is weighed by the share
    of its (rarity-weighted) words that component explains.
    """
    described = [(j, description_text(node)) for j, node in enumerate(attempt)]
    desc_stems = [
        (j, frozenset(stem_word(w) for w in vocab.correct(normal_words(raw_tokens(text)))))
        for j, text in described
    ]
    desc_stems = [(j, stems) for j, stems in desc_stems if stems]
    if not desc_stems:
        return
    # Full text of each reference node: its names, note and description.
    ref_text: list[set[str]] = [set() for _ in reference.nodes]
    for form, stems in zip(ref_forms, ref_stems, strict=True):
        ref_text[form.node] |= stems
    for i, node in enumerate(reference.nodes):
        extra = " ".join(filter(None, [node.note, node.description]))
        ref_text[i] |= {stem_word(w) for w in normal_words(raw_tokens(extra))}
    docs = [frozenset(t) for t in ref_text] + [stems for _, stems in desc_stems]
    idf = _idf(docs)
    terms = sorted(idf)
    index = {t: k for k, t in enumerate(terms)}
    weights = np.array([idf[t] for t in terms])
    dense = use_dense(len(reference.nodes), len(attempt))
    desc = _incidence([stems for _, stems in desc_stems], index, dense)
    columns = np.array([j for j, _ in desc_stems], dtype=np.int64)

    # A name inside the description.
    names = _incidence(ref_stems, index, dense)
    size = np.asarray(names.sum(axis=1)).ravel()
    called: dict[str, set[int]] = {}  # the reference nodes each stem is a name word of
    for form, stems in zip(ref_forms, ref_stems, strict=True):
        for stem in stems:
            called.setdefault(stem, set()).add(form.node)
    inside_rows, inside_cols, inside_counts = entries(names @ desc.T)
    full = inside_counts >= size[inside_rows]
    for f, d in zip(inside_rows[full], inside_cols[full], strict=True):
        stems = ref_stems[f]
        if len(stems) >= 2:
            score = DESCRIPTION_PHRASE
        else:
            (stem,) = stems
            if len(stem) < 4 or len(called[stem]) > 1:
                continue
            score = DESCRIPTION_WORD
        out.add("description", ref_forms[f].node, int(columns[d]), score)

    # Words shared with everything the reference says about a component.
    text = _incidence(docs[: len(ref_text)], index, dense)
    shared_rows, shared_cols, shared_counts = entries(text @ desc.T)
    shared_mass = to_array(scale_columns(text, weights) @ desc.T)
    desc_mass = np.asarray(desc @ weights).ravel()
    for i, d, count in zip(shared_rows, shared_cols, shared_counts, strict=True):
        if count >= 2 and desc_mass[d] > 0:
            cover = shared_mass[i, d] / desc_mass[d]
            out.add("description", int(i), int(columns[d]), DESCRIPTION_OVERLAP * float(cover))
