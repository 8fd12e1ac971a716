"""Align an attempt with a reference: which drawn box stands for which reference component.

The alignment is one global one-to-one assignment (see `grading.md`, section Alignment):

1. every label is normalised (case, punctuation, plurals, stop words, common ML and
   system-design shorthand such as `svc` or `emb`, typos against the reference's words);
2. each (reference node, attempt node) pair gets label evidence, the best over the reference
   label and its aliases: exact or alias equality, an acronym, a fuzzy score (word stems
   weighted by how rare they are, so `model` does not match `model registry` while `Featur
   store` matches `Feature store`), and the attempt's description text;
3. one global assignment (scipy's sparse LAPJV solver) with an explicit no-match cost, so
   a weak pair is left as missing plus extra instead of becoming a wrong pair;
4. a few rounds of neighbour re-ranking in the style of similarity flooding: a candidate pair
   earns a bonus for the share of its edges whose other ends are paired with neighbours of the
   reference node, then the assignment is solved again. This separates two boxes with the same
   label and rescues weak labels (`how = "structure"`).

Everything is vectorised (rapidfuzz `cdist`, numpy, scipy.sparse), so 1,000 x 1,000 nodes align
in well under a second, and the result does not depend on the order of the attempt's statements.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from scipy import sparse  # type: ignore[import-untyped, unused-ignore]
from scipy.sparse.csgraph import (  # type: ignore[import-untyped, unused-ignore]
    connected_components,
    min_weight_full_bipartite_matching,
)

from ..language.model import Diagram, Node

__all__ = ["HOWS", "Alignment", "Pair", "align", "normalize_label"]

HOWS = ("exact", "alias", "fuzzy", "acronym", "description", "structure")
"""The reasons a pair can be justified by, from the strongest kind of evidence to the weakest."""

FloatArray = npt.NDArray[np.float64]

# --------------------------------------------------------------------------------------------
# Parameters. Similarities are in [0, 1]; a pair is kept when its evidence reaches REJECT.

REJECT = 0.65
"""A pair whose label evidence plus structure bonus stays below this is not made."""
STRUCTURE_WEIGHT = 1.0
"""Bonus for a pair all of whose paired neighbours agree (the share is smoothed, see below)."""
STRUCTURE_FLOOR = 0.25
"""Label evidence a pair needs before neighbours may lift it over REJECT."""
STRUCTURE_SMOOTHING = 1.0
"""Added to the number of paired neighbours: one agreeing edge is weaker than three."""
STRUCTURE_ROUNDS = 3
CLEAR_CHOICE = 0.9
"""A weak label is lifted only where its neighbours point nearly as strongly as anywhere."""
REVERSED = 0.5
"""An edge drawn backwards still says the two components are linked."""
TWO_HOPS = 0.6
THREE_HOPS = 0.35
"""Paths through nodes the other side left out (a missing step, an extra queue) count less."""

ALIAS = 0.95
"""An alias is a looser name than the label: `vector store` may be said of more than one store."""
NORMALISED_EQUAL = 0.97
"""Equal only after normalisation (`txt enc` = `text encoder`): still `exact` or `alias`."""
SAME_STEMS = 0.93
"""Same words up to typos, word order or inflection (`Train model` = `Model training`)."""
ACRONYM = 0.9
PAREN_STRIPPED = 0.95
"""`Harm classifier (offline)` read as `Harm classifier`: the qualifier may matter."""
MERGED_PART = 0.85
"""`Enforcement / demotion` read as either part: a merged component. Any good match of a part
is worth this much, so the parts tie and the heavier reference component takes the box."""
HEAD_MISMATCH = 0.9
"""Shared words count less when the attempt lacks the reference name's head noun."""
MODIFIER_ONLY = 0.8
"""Further discount when the attempt's words are only modifiers of the reference name
(`model` for `model registry`, `training` for `training data`)."""
WEIGHT_TIE = 0.01
"""Breaks ties towards the reference component that weighs more."""
ORDER_TIE = 1e-6
"""Breaks remaining ties towards the reference component written first."""
DESCRIPTION_PHRASE = 0.8
DESCRIPTION_WORD = 0.6
DESCRIPTION_OVERLAP = 0.8
COMPACT_RATIO = 95.0
"""token_sort_ratio on stems above which split or joined words count (`datawarehouse`)."""

# --------------------------------------------------------------------------------------------
# Vocabulary: general English function words and shorthand common in ML system design.


def _wordset(text: str) -> frozenset[str]:
    """The words of a space-separated list."""
    return frozenset(text.split())


STOP_WORDS = _wordset(
    "a an the of for to in on and or with by from per at via into onto its it their our "
    "this that these those is are be as all any each every some"
)

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    key: tuple(value.split())
    for keys, value in [
        ("svc svcs srv", "service"),
        ("emb embs embd embed", "embedding"),
        ("db dbs", "database"),
        ("dwh", "data warehouse"),
        ("idx", "index"),
        ("gen", "generation"),
        ("cand cands", "candidate"),
        ("rec recs reco recos", "recommendation"),
        ("feat feats ftr ftrs", "feature"),
        ("reg", "registry"),
        ("eval evals", "evaluation"),
        ("req reqs", "request"),
        ("resp", "response"),
        ("calib", "calibration"),
        ("txt", "text"),
        ("img imgs", "image"),
        ("vid vids", "video"),
        ("enc", "encoder"),
        ("dec", "decoder"),
        ("mdl mdls", "model"),
        ("q", "queue"),
        ("mq", "message queue"),
        ("gw", "gateway"),
        ("lb", "load balancer"),
        ("kv", "key value"),
        ("msg msgs", "message"),
        ("notif notifs", "notification"),
        ("usr", "user"),
        ("preproc prepro", "preprocessing"),
        ("postproc", "postprocessing"),
        ("proc", "processing"),
        ("infer", "inference"),
        ("pred preds", "prediction"),
        ("clf classif", "classifier"),
        ("repo repos", "repository"),
        ("mgmt", "management"),
        ("mgr", "manager"),
        ("cfg config", "configuration"),
        ("info", "information"),
        ("stats", "statistics"),
        ("exp expt expts", "experiment"),
        ("sched", "scheduler"),
        ("agg aggr", "aggregation"),
        ("dedup dedupe", "deduplication"),
        ("aug augm", "augmentation"),
        ("ckpt ckpts", "checkpoint"),
        ("thresh", "threshold"),
        ("det", "detection"),
        ("seg", "segmentation"),
        ("doc docs", "document"),
        ("qry", "query"),
        ("txn txns", "transaction"),
        ("acct", "account"),
        ("loc", "location"),
        ("sim", "similarity"),
        ("impr imprs", "impression"),
        ("auth", "authentication"),
        ("realtime rt", "real time"),
        ("vec vecs", "vector"),
        ("approx", "approximate"),
        ("hist", "history"),
        ("attr attrs", "attribute"),
        ("lbl lbls", "label"),
        ("pos", "positive"),
        ("neg", "negative"),
        ("retr", "retrieval"),
        ("srch", "search"),
        ("ctx", "context"),
        ("sess", "session"),
        ("perf", "performance"),
        ("mon", "monitoring"),
        ("env", "environment"),
        ("concat", "concatenation"),
        ("dnn", "deep neural network"),
        ("mtl", "multitask learning"),
        ("ltr", "learning to rank"),
        ("llm llms", "large language model"),
        ("kb", "knowledge base"),
    ]
    for key in keys.split()
}
"""Shorthand -> its words. Acronyms a reference spells out are found by the acronym rule."""

TYPE_WORDS = _wordset(
    "service job pipeline system module engine layer component process step stage task "
    "worker server tool platform application app"
)
"""Words that say what sort of box something is rather than what it does."""

PREFIXES = _wordset("re pre multi non sub co de un bi semi self cross")
"""Prefixes that people write joined, hyphenated or apart: `re-ranking` = `reranking`."""

_NOT_PLURAL = _wordset(
    "news status analysis bias canvas alias lens series species always axis kubernetes "
    "redis this its was has does class loss process access address business"
)

_SUFFIXES = (
    "ization", "isation", "ational", "ation", "ition", "ator", "ment", "ness", "ing", "ion",
    "ers", "er", "ors", "or", "ive", "ity", "ed", "al", "ate", "e", "y",
)  # fmt: skip

_PREPOSITIONS = _wordset("in for of from per at on with by to via into onto over after")
_TOKEN = re.compile(r"[^\W_]+")
_PAREN = re.compile(r"\(([^()]*)\)")
_PART_SPLIT = re.compile(r"\s*[/+|]\s*")


def _singular(word: str) -> str:
    """Simple plural stripping: `queries` -> `query`, `indexes` -> `index`, `logs` -> `log`."""
    if len(word) <= 3 or word in _NOT_PLURAL or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A light suffix stripper: `training`, `trainer`, `train` -> `train`."""
    if not word.isalpha():
        return word
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def _raw_tokens(text: str) -> list[str]:
    """Lowercase letter/digit runs. Runs of single letters are one token (`A/B` -> `ab`),
    and so is a single letter before a short word (`k-NN` -> `knn`, `e-commerce` stays)."""
    out: list[str] = []
    letters = False  # whether out[-1] was built from single letters
    for token in _TOKEN.findall(text.lower()):
        single = len(token) == 1 and token.isalpha()
        if out and ((single and letters) or _letter_prefix(out[-1], token)):
            out[-1] += token
        else:
            out.append(token)
        letters = single
    return out


def _letter_prefix(previous: str, token: str) -> bool:
    """Whether a lone letter and the short word after it are one token (`k-NN`)."""
    return (
        len(previous) == 1 and previous.isalpha() and previous != "a"
        and 2 <= len(token) <= 3 and token.isalpha()
    )  # fmt: skip


def _words(tokens: Sequence[str]) -> tuple[str, ...]:
    """Normalised words: prefixes joined, shorthand expanded, stop words dropped, singular."""
    return _words_of(tuple(tokens))


@lru_cache(maxsize=1 << 16)
def _words_of(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """`_words` on a hashable argument, cached: labels repeat across calls and forms."""
    joined: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in PREFIXES and i + 1 < len(tokens) and tokens[i + 1].isalpha():
            joined.append(token + tokens[i + 1])
            i += 2
            continue
        joined.append(token)
        i += 1
    expanded: list[str] = []
    for token in joined:
        expanded.extend(ABBREVIATIONS.get(token, (token,)))
    kept = [t for t in expanded if t not in STOP_WORDS] or expanded
    return tuple(_singular(t) for t in kept)


def normalize_label(text: str) -> tuple[str, ...]:
    """The normalised words of a label, as compared for `exact` and `alias` pairs.

    Lowercase words split on punctuation; `re-ranking`, `re ranking` and `reranking` agree;
    shorthand is expanded (`emb svc` -> `embedding service`); stop words and plurals go.
    """
    return _words(_raw_tokens(text))


# --------------------------------------------------------------------------------------------
# Public result types.


@dataclass(frozen=True)
class Pair:
    """One reference node and the attempt node that stands for it, and why.

    `how` is one of HOWS. `similarity` is in [0, 1]: the label evidence of the pair, or for
    a `structure` pair that evidence plus the neighbour bonus that justified it (capped at 1).
    """

    reference: str
    attempt: str
    how: str
    similarity: float


@dataclass(frozen=True)
class Alignment:
    """The pairs of one alignment; every node id occurs in at most one pair."""

    pairs: tuple[Pair, ...]

    def by_reference(self) -> dict[str, Pair]:
        """The pairs keyed by reference node id, to look up what became of a component."""
        return {pair.reference: pair for pair in self.pairs}

    def by_attempt(self) -> dict[str, Pair]:
        """The pairs keyed by attempt node id, to look up what a drawn box stands for."""
        return {pair.attempt: pair for pair in self.pairs}

    def missing(self, reference: Diagram) -> tuple[str, ...]:
        """Reference node ids with no pair, in reference order: what the attempt forgot."""
        paired = {pair.reference for pair in self.pairs}
        return tuple(node.id for node in reference.nodes if node.id not in paired)

    def extra(self, attempt: Diagram) -> tuple[str, ...]:
        """Attempt node ids with no pair, in attempt order: what stands for nothing."""
        paired = {pair.attempt for pair in self.pairs}
        return tuple(node.id for node in attempt.nodes if node.id not in paired)


# --------------------------------------------------------------------------------------------
# Spellings.


@dataclass(frozen=True)
class _Form:
    """One spelling of a node: its label, an alias, or a part of a merged label."""

    node: int
    is_alias: bool
    factor: float
    is_part: bool
    raw: tuple[str, ...]
    words: tuple[str, ...]
    head: str
    """The stem of the head noun: the last word before any preposition or parenthesis."""

    @property
    def weight(self) -> float:
        """What a match with this spelling is worth: an alias is a looser name than a label."""
        return self.factor * (ALIAS if self.is_alias else 1.0)

    @property
    def cap(self) -> float:
        """The most a match with this spelling can be worth (a part of a merged name)."""
        return MERGED_PART if self.is_part else 1.0


def _head(text: str) -> str:
    """The stem of the head noun: the last word before any preposition or parenthesis,
    passing over generic type words (`Ranking service` is a kind of ranking)."""
    tokens = _raw_tokens(_PAREN.sub(" ", text).split("(")[0])
    for k, token in enumerate(tokens):
        if k > 0 and token in _PREPOSITIONS:
            tokens = tokens[:k]
            break
    words = list(_words(tokens))
    while len(words) > 1 and words[-1] in TYPE_WORDS:
        words.pop()
    return _stem(words[-1]) if words else ""


def _spellings(text: str, *, attempt: bool) -> list[tuple[str, float, bool]]:
    """The spellings a label stands for: (text, discount, is a part of a merged name)."""
    out = [(text, 1.0, False)]
    if "(" in text:
        stripped = _PAREN.sub(" ", text)
        if _TOKEN.search(stripped.lower()):
            out.append((stripped, PAREN_STRIPPED if attempt else 1.0, False))
    if attempt:
        base = _PAREN.sub(" ", text)
        parts = [p for p in _PART_SPLIT.split(base) if p.strip()]
        if len(parts) > 1 and all(sum(c.isalpha() for c in p) >= 3 for p in parts):
            out.extend((part, 1.0, True) for part in parts)
    return out


def _forms(nodes: Sequence[Node], *, attempt: bool) -> list[_Form]:
    """Every spelling of every node (label, aliases, their parts), each normalised once."""
    forms: list[_Form] = []
    for index, node in enumerate(nodes):
        seen: dict[tuple[str, ...], int] = {}
        names = [(node.label, False)] + [(alias, True) for alias in node.aliases]
        for name, is_alias in names:
            for text, factor, is_part in _spellings(name, attempt=attempt):
                raw = tuple(_raw_tokens(text))
                words = _words(raw)
                if not words:
                    continue
                form = _Form(index, is_alias, factor, is_part, raw, words, _head(text))
                if words in seen:
                    previous = forms[seen[words]]
                    if (previous.weight, previous.cap) < (form.weight, form.cap):
                        forms[seen[words]] = form
                    continue
                seen[words] = len(forms)
                forms.append(form)
    return forms


def _description_text(node: Node) -> str:
    """What an attempt node says about itself beyond its name: description and (...) notes."""
    parts = [node.description or ""]
    parts.extend(_PAREN.findall(node.label))
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Label evidence.

_KINDS = ("exact", "alias", "acronym", "fuzzy", "description")


def _equal_kind(ref: _Form, att: _Form, same_surface: bool) -> str:
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


class _Evidence:
    """Label evidence per (reference, attempt) node pair: a dense fuzzy matrix, and the
    few pairs that other kinds of evidence (exact, alias, acronym, description) touch."""

    def __init__(self, nr: int, na: int) -> None:
        self.fuzzy = np.zeros((nr, na))
        self.points: dict[str, dict[tuple[int, int], float]] = {
            kind: {} for kind in _KINDS if kind != "fuzzy"
        }

    def add(self, kind: str, ref: int, att: int, value: float) -> None:
        """Record evidence of one kind for a pair, keeping the strongest."""
        if kind == "fuzzy":
            self.fuzzy[ref, att] = max(self.fuzzy[ref, att], value)
            return
        points = self.points[kind]
        if value > points.get((ref, att), 0.0):
            points[(ref, att)] = value

    def get(self, kind: str, ref: int, att: int) -> float:
        """The evidence of one kind for a pair (0 when there is none)."""
        if kind == "fuzzy":
            return float(self.fuzzy[ref, att])
        return self.points[kind].get((ref, att), 0.0)

    def best(self) -> tuple[FloatArray, npt.NDArray[np.int8]]:
        """The strongest evidence per pair and the index in _KINDS of its kind.

        On a tie the stronger kind (earlier in _KINDS) is reported.
        """
        value = self.fuzzy.copy()
        kind = np.full(value.shape, _KINDS.index("fuzzy"), dtype=np.int8)
        for k in sorted(range(len(_KINDS)), reverse=True):
            name = _KINDS[k]
            if name == "fuzzy":
                continue
            weaker = k > _KINDS.index("fuzzy")
            for (i, j), v in self.points[name].items():
                if v > value[i, j] or (v == value[i, j] and not weaker):
                    value[i, j] = v
                    kind[i, j] = k
        return value, kind


class _Vocabulary:
    """The reference's words, and the typo corrections of attempt words towards them.

    An attempt word of 4+ letters that the reference never uses is read as the reference word
    within one edit (two for 8+ letters): `trainig` -> `training`, `reslts` -> `results`.
    """

    def __init__(self, ref_forms: Sequence[_Form], att_forms: Sequence[_Form]) -> None:
        self.ref_words = sorted({w for f in ref_forms for w in f.words})
        known = set(self.ref_words)
        unknown = sorted(
            {
                w
                for f in att_forms
                for w in f.words
                if w not in known and w.isalpha() and len(w) >= 4
            }
        )
        self.correction: dict[str, str] = {}
        if unknown and self.ref_words:
            for word in unknown:
                limit = 1 if len(word) <= 7 else 2
                hit = process.extractOne(
                    word, self.ref_words, scorer=OSA.distance, score_cutoff=limit
                )
                if hit is not None and abs(len(hit[0]) - len(word)) <= limit:
                    self.correction[word] = hit[0]

    def correct(self, words: Iterable[str]) -> tuple[str, ...]:
        """The words with typos replaced by the reference word they stand for."""
        return tuple(self.correction.get(w, w) for w in words)


def _stem_sets(words_list: Sequence[tuple[str, ...]]) -> list[frozenset[str]]:
    """The set of stems of each spelling."""
    return [frozenset(_stem(w) for w in words) for words in words_list]


def _idf(docs: Sequence[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency of each term: rare words identify, common ones do not."""
    df: dict[str, int] = {}
    for doc in docs:
        for term in doc:
            df[term] = df.get(term, 0) + 1
    n = len(docs)
    return {term: math.log((n + 1.0) / (count + 0.5)) for term, count in df.items()}


def _incidence(sets: Sequence[frozenset[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """A 0/1 sparse matrix: one row per set, one column per indexed term."""
    rows: list[int] = []
    cols: list[int] = []
    for row, terms in enumerate(sets):
        for term in terms:
            col = index.get(term)
            if col is not None:
                rows.append(row)
                cols.append(col)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), len(index)))


def _scatter_max(
    target: FloatArray,
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    values: FloatArray,
) -> None:
    """target[rows, cols] = max(target[rows, cols], values), with repeated indices."""
    if len(values):
        np.maximum.at(target, (rows, cols), values)


def _label_evidence(reference: Diagram, attempt: Sequence[Node]) -> _Evidence:
    """Label evidence for every (reference node, attempt node) pair, by kind.

    Each value is the best over the spellings of both nodes, discounted for aliases,
    stripped qualifiers and parts of merged names.
    """
    ref_forms = _forms(reference.nodes, attempt=False)
    att_forms = _forms(attempt, attempt=True)
    nr, na = len(reference.nodes), len(attempt)
    evidence = _Evidence(nr, na)
    if not ref_forms or not att_forms:
        return evidence
    vocab = _Vocabulary(ref_forms, att_forms)
    att_corrected = [vocab.correct(f.words) for f in att_forms]
    ref_stems = _stem_sets([f.words for f in ref_forms])
    att_stems = _stem_sets(att_corrected)

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
    for g, form in enumerate(att_forms):
        for k in exact_index.get(form.words, ()):
            ref = ref_forms[k]
            same_surface = ref.raw == form.raw
            sim = (1.0 if same_surface else NORMALISED_EQUAL) * form.weight * ref.weight
            sim = min(sim, form.cap)
            evidence.add(_equal_kind(ref, form, same_surface), ref.node, form.node, sim)
        if att_corrected[g] != form.words:
            for k in exact_index.get(att_corrected[g], ()):
                ref = ref_forms[k]
                sim = min(SAME_STEMS * form.weight * ref.weight, form.cap)
                evidence.add("fuzzy", ref.node, form.node, sim)

    # Fuzzy: weighted Dice overlap of stems (order-free, typo-corrected, subset-aware).
    terms = sorted(idf)
    term_index = {t: i for i, t in enumerate(terms)}
    weights = np.array([idf[t] for t in terms])
    r_inc = _incidence(ref_stems, term_index)
    a_inc = _incidence(att_stems, term_index)
    r_mass = np.asarray(r_inc @ weights).ravel()
    a_mass = np.asarray(a_inc @ weights).ravel()
    overlap = (r_inc.multiply(weights[None, :]).tocsr() @ a_inc.T).tocoo()
    rows = np.asarray(overlap.row, dtype=np.int64)
    cols = np.asarray(overlap.col, dtype=np.int64)
    dice = 2.0 * np.asarray(overlap.data) / (r_mass[rows] + a_mass[cols])
    # Head nouns: `fusion` names a kind of `multimodal fusion`, `training pairs` are pairs,
    # and `training` is only a modifier of `training data`.
    r_head = np.array([term_index.get(f.head, -1) for f in ref_forms], dtype=np.int64)
    a_head = np.array(
        [term_index.get(_stem(vocab.correct((f.head,))[0]), -1) for f in att_forms],
        dtype=np.int64,
    )
    width = len(terms)
    a_coo, r_coo = a_inc.tocoo(), r_inc.tocoo()
    a_keys = np.asarray(a_coo.row, dtype=np.int64) * width + a_coo.col
    r_keys = np.asarray(r_coo.row, dtype=np.int64) * width + r_coo.col
    ref_head_named = np.isin(cols * width + r_head[rows], a_keys) & (r_head[rows] >= 0)
    att_head_named = np.isin(rows * width + a_head[cols], r_keys) & (a_head[cols] >= 0)
    covered = np.asarray(overlap.data) >= a_mass[cols] - 1e-9
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
    return evidence


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
    ref_forms: Sequence[_Form],
    att_forms: Sequence[_Form],
    att_corrected: Sequence[tuple[str, ...]],
    vocab: _Vocabulary,
    idf: dict[str, float],
    out: _Evidence,
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
                    expanded = _words(short.raw[:position] + tuple(run) + short.raw[position + 1 :])
                    if short_side is att_forms:
                        att, ref = short, long
                        att_stems = frozenset(_stem(w) for w in vocab.correct(expanded))
                        ref_stems = frozenset(_stem(w) for w in long.words)
                    else:
                        att, ref = long, short
                        att_stems = frozenset(_stem(w) for w in att_corrected[g])
                        ref_stems = frozenset(_stem(w) for w in expanded)
                    score = ACRONYM * _weighted_dice(att_stems, ref_stems, idf)
                    score = min(score * att.weight * ref.weight, att.cap)
                    out.add("acronym", ref.node, att.node, score)


def _descriptions(
    reference: Diagram,
    attempt: Sequence[Node],
    ref_forms: Sequence[_Form],
    ref_stems: Sequence[frozenset[str]],
    vocab: _Vocabulary,
    out: _Evidence,
) -> None:
    """Evidence from what an attempt node says about itself (`img enc: resnet / clip`).

    A description that contains a reference name of two words or more, or one word that only
    one reference component is called by, names that component. A description that shares
    two or more words with a component's names, note and description is weighed by the share
    of its (rarity-weighted) words that component explains.
    """
    described = [(j, _description_text(node)) for j, node in enumerate(attempt)]
    desc_stems = [
        (j, frozenset(_stem(w) for w in vocab.correct(_words(_raw_tokens(text)))))
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
        ref_text[i] |= {_stem(w) for w in _words(_raw_tokens(extra))}
    docs = [frozenset(t) for t in ref_text] + [stems for _, stems in desc_stems]
    idf = _idf(docs)
    terms = sorted(idf)
    index = {t: k for k, t in enumerate(terms)}
    weights = np.array([idf[t] for t in terms])
    desc = _incidence([stems for _, stems in desc_stems], index)
    columns = np.array([j for j, _ in desc_stems], dtype=np.int64)

    # A name inside the description.
    names = _incidence(ref_stems, index)
    size = np.asarray(names.sum(axis=1)).ravel()
    called: dict[str, set[int]] = {}  # the reference nodes each stem is a name word of
    for form, stems in zip(ref_forms, ref_stems, strict=True):
        for stem in stems:
            called.setdefault(stem, set()).add(form.node)
    inside = (names @ desc.T).tocoo()
    full = np.asarray(inside.data) >= size[inside.row]
    for f, d in zip(inside.row[full], inside.col[full], strict=True):
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
    text = _incidence(docs[: len(ref_text)], index)
    shared_count = (text @ desc.T).tocoo()
    shared_mass = np.asarray((text.multiply(weights[None, :]).tocsr() @ desc.T).todense())
    desc_mass = np.asarray(desc @ weights).ravel()
    for i, d, count in zip(shared_count.row, shared_count.col, shared_count.data, strict=True):
        if count >= 2 and desc_mass[d] > 0:
            cover = shared_mass[i, d] / desc_mass[d]
            out.add("description", int(i), int(columns[d]), DESCRIPTION_OVERLAP * float(cover))


# --------------------------------------------------------------------------------------------
# Structure.


def _sparse_adjacency(
    nodes: Sequence[Node], edges: Iterable[tuple[str, str, bool]]
) -> sparse.csr_matrix:
    """0/1 adjacency in node order from (source, target, undirected); `A -- B` counts both ways."""
    index = {node.id: i for i, node in enumerate(nodes)}
    rows: list[int] = []
    cols: list[int] = []
    for source, target, undirected in edges:
        s, t = index.get(source), index.get(target)
        if s is None or t is None or s == t:
            continue
        rows.append(s)
        cols.append(t)
        if undirected:
            rows.append(t)
            cols.append(s)
    n = len(nodes)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    matrix.data[:] = 1.0  # duplicates summed: back to 0/1
    return matrix


def _reach(adjacency: sparse.csr_matrix, skippable: FloatArray) -> sparse.csr_matrix:
    """Links with paths through skippable nodes: 1 direct, TWO_HOPS, THREE_HOPS; capped at 1."""
    skip = sparse.diags(skippable)
    two = adjacency @ skip @ adjacency
    three = two @ skip @ adjacency
    reach = adjacency + TWO_HOPS * two.minimum(1.0) + THREE_HOPS * three.minimum(1.0)
    reach.setdiag(0.0)
    reach.eliminate_zeros()
    return reach.minimum(1.0).tocsr()


def _structure_support(
    ref_adj: sparse.csr_matrix,
    att_adj: sparse.csr_matrix,
    assignment: npt.NDArray[np.int64],
    nr: int,
) -> FloatArray:
    """For each (reference, attempt) pair, the smoothed share of agreeing paired neighbours.

    `assignment[j]` is the reference index paired with attempt node j, or -1.
    """
    na = len(assignment)
    paired = assignment >= 0
    if not paired.any():
        return np.zeros((nr, na))  # no paired neighbour anywhere: no structural evidence
    ref_unpaired = np.ones(nr)
    ref_unpaired[assignment[paired]] = 0.0
    att_unpaired = (~paired).astype(np.float64)
    ref_reach = _reach(ref_adj, ref_unpaired)
    att_reach = _reach(att_adj, att_unpaired)
    cols = np.nonzero(paired)[0]
    own = assignment[cols]
    p = sparse.csr_matrix(
        (np.ones(len(cols)), (own, cols)), shape=(nr, na)
    )  # reference x attempt; unpaired attempt nodes have empty columns
    related_out = (ref_reach + REVERSED * ref_reach.T).minimum(1.0)
    related_in = related_out.T
    agree = related_out @ p @ att_reach.T + related_in @ p @ att_reach
    # The reference node an attempt node holds now is skippable when weighing its other
    # candidates: `Trainer` paired with `Data augmentation` may still sit after it.
    a = ref_adj
    pt, pa = p @ att_reach.T, p @ att_reach
    out_fwd = np.asarray((a @ pt)[own, cols]).ravel()
    out_back = np.asarray((a.T @ pt)[own, cols]).ravel()
    in_back = np.asarray((a.T @ pa)[own, cols]).ravel()
    in_fwd = np.asarray((a @ pa)[own, cols]).ravel()
    q1 = sparse.csr_matrix((out_fwd + REVERSED * in_fwd, (own, cols)), shape=(nr, na))
    q2 = sparse.csr_matrix((REVERSED * out_back + in_back, (own, cols)), shape=(nr, na))
    agree = agree + TWO_HOPS * (a @ q1 + a.T @ q2)
    weight = paired.astype(np.float64)
    available = att_reach @ weight + att_reach.T @ weight
    dense = np.asarray(agree.todense()) if sparse.issparse(agree) else np.asarray(agree)
    share = dense / (available[None, :] + STRUCTURE_SMOOTHING)
    return np.asarray(np.minimum(share, 1.0), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Assignment.


def _solve(
    gain: FloatArray, prior: FloatArray
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The best one-to-one pairs (attempt, reference) of one component, REJECT for none.

    `gain` is attempt x reference; pairs below REJECT are not allowed. Each attempt node
    also has its own "no pair" column worth REJECT, so every node is matched to something.
    Solved with scipy's sparse assignment solver (LAPJVsp), which needs positive costs:
    every cost is `top - value`, the same shift for all, so the cheapest matching is the
    one of greatest total gain. (scipy.optimize's dense solver would give the same pairs
    but costs a third of a second of start-up to import.)
    """
    na, nr = gain.shape
    if na == 1 or nr == 1:
        # One node on a side: the best allowed pair is optimal, as any allowed pair is
        # worth at least the REJECT that leaving it out would give.
        total = np.where(gain >= REJECT, gain + prior[None, :], -np.inf)
        best = np.unravel_index(int(np.argmax(total)), total.shape)
        if not np.isfinite(total[best]):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.array([best[0]], dtype=np.int64), np.array([best[1]], dtype=np.int64)
    att, ref = np.nonzero(gain >= REJECT)
    values = np.concatenate([gain[att, ref] + prior[ref], np.full(na, REJECT)])
    top = float(values.max()) + 1.0
    rows = np.concatenate([att, np.arange(na)])
    cols = np.concatenate([ref, nr + np.arange(na)])
    matrix = sparse.csr_matrix((top - values, (rows, cols)), shape=(na, nr + na))
    att_idx, col_idx = min_weight_full_bipartite_matching(matrix)
    keep = col_idx < nr
    return np.asarray(att_idx[keep], dtype=np.int64), np.asarray(col_idx[keep], dtype=np.int64)


def _assign(score: FloatArray, prior: FloatArray) -> npt.NDArray[np.int64]:
    """Maximise the total score of pairs at or above REJECT; -1 for unpaired attempt nodes.

    The candidate graph falls apart into small components, each solved exactly.
    """
    nr, na = score.shape
    result = np.full(na, -1, dtype=np.int64)
    cand_ref, cand_att = np.nonzero(score >= REJECT)
    if not len(cand_ref):
        return result
    graph = sparse.coo_matrix(
        (np.ones(len(cand_ref)), (cand_ref, nr + cand_att)), shape=(nr + na, nr + na)
    )
    _, labels = connected_components(graph, directed=False)
    ref_labels, att_labels = labels[:nr], labels[nr:]
    ref_order = np.argsort(ref_labels, kind="stable")
    att_order = np.argsort(att_labels, kind="stable")
    ref_bounds = np.searchsorted(ref_labels[ref_order], np.arange(labels.max() + 2))
    att_bounds = np.searchsorted(att_labels[att_order], np.arange(labels.max() + 2))
    for component in np.unique(att_labels[cand_att]):
        rows = ref_order[ref_bounds[component] : ref_bounds[component + 1]]
        cols = att_order[att_bounds[component] : att_bounds[component + 1]]
        block = score[np.ix_(rows, cols)]
        for a, c in zip(*_solve(block.T, prior[rows]), strict=True):
            result[cols[a]] = rows[c]
    return result


def align(reference: Diagram, attempt: Diagram) -> Alignment:
    """Pair attempt nodes with the reference nodes they stand for, one to one.

    Label evidence (exact, alias, acronym, fuzzy, description) is combined with neighbour
    agreement over a few rounds; each round solves one global assignment in which leaving a
    node unpaired costs REJECT, so a doubtful pair becomes a missing plus an extra node.
    The result does not depend on the order of the attempt's statements.
    """
    att_nodes = sorted(attempt.nodes, key=lambda n: n.id)
    nr, na = len(reference.nodes), len(att_nodes)
    if nr == 0 or na == 0:
        return Alignment(())
    evidence = _label_evidence(reference, att_nodes)
    label, kind = evidence.best()
    ref_adj = _sparse_adjacency(
        reference.nodes, ((e.source, e.target, e.kind == "undirected") for e in reference.edges)
    )
    att_adj = _sparse_adjacency(
        att_nodes, ((e.source, e.target, e.kind == "undirected") for e in attempt.edges)
    )
    weak = (label >= STRUCTURE_FLOOR) & (label < REJECT)
    # Ties go to the heavier reference component, then to the one written first.
    prior = WEIGHT_TIE * np.log1p([max(0.0, node.weight) for node in reference.nodes])
    prior -= ORDER_TIE * np.arange(nr) / nr

    def rescore(assignment: npt.NDArray[np.int64]) -> FloatArray:
        """Label evidence plus the neighbour bonus that `assignment` gives each pair."""
        support = _structure_support(ref_adj, att_adj, assignment, nr)
        raw = label + STRUCTURE_WEIGHT * support
        # A weak label is lifted only where structure (alone or with the label) points
        # about as strongly as anywhere else: neighbours must make it a clear choice.
        clear = (raw >= CLEAR_CHOICE * raw.max(axis=0, keepdims=True)) | (
            support >= CLEAR_CHOICE * support.max(axis=0, keepdims=True)
        )
        lifted = (label >= REJECT) | (weak & (support > 0) & clear)
        return np.where(lifted, raw, label)

    def fit(assignment: npt.NDArray[np.int64], score: FloatArray) -> float:
        """How well an assignment is justified by the bonus it gives itself."""
        cols = np.nonzero(assignment >= 0)[0]
        rows = assignment[cols]
        return float(np.sum(score[rows, cols] - REJECT + prior[rows]))

    # Hard re-ranking can cycle (two readings that each support the other's rival), so every
    # assignment met is kept and the one best justified by its own structure wins.
    assignment = _assign(label, prior)
    history: list[tuple[float, npt.NDArray[np.int64], FloatArray]] = []
    for _ in range(STRUCTURE_ROUNDS + 1):
        score = rescore(assignment)
        history.append((fit(assignment, score), assignment, score))
        new = _assign(score, prior)
        if any(np.array_equal(new, seen) for _, seen, _ in history):
            break
        assignment = new
    best = max(range(len(history)), key=lambda k: (history[k][0], -k))
    _, assignment, score = history[best]
    # A pair that its own alignment no longer lifts over REJECT is dropped (then recheck).
    while True:
        cols = np.nonzero(assignment >= 0)[0]
        weak_pairs = cols[score[assignment[cols], cols] < REJECT]
        if not len(weak_pairs):
            break
        assignment = assignment.copy()
        assignment[weak_pairs] = -1
        score = rescore(assignment)
    pairs = []
    order = sorted((int(i), j) for j, i in enumerate(assignment) if i >= 0)
    for i, j in order:
        if label[i, j] >= REJECT:
            how = _KINDS[int(kind[i, j])]
            similarity = float(label[i, j])
        else:
            how = "structure"
            similarity = float(min(1.0, score[i, j]))
        pairs.append(
            Pair(
                reference=reference.nodes[i].id,
                attempt=att_nodes[j].id,
                how=how,
                similarity=round(min(1.0, max(0.0, similarity)), 4),
            )
        )
    return Alignment(tuple(pairs))
