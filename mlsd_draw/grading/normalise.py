"""Label normalisation: how a label is read as words, and the word tables that reading uses.

Labels are lowercased and split into tokens, prefixes are joined (`re-ranking` = `reranking`),
common ML and system-design shorthand is spelt out (`emb svc` -> `embedding service`), stop words
and plurals go, and words are stemmed. This is pure text handling with no numeric dependencies,
kept apart so that every other part of grading (evidence, acronyms, descriptions) reads labels
the same way, and so the word tables can be read and extended on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

__all__ = [
    "ABBREVIATIONS",
    "PREFIXES",
    "STOP_WORDS",
    "TOKEN",
    "normal_words",
    "normalize_label",
    "raw_tokens",
    "stem_word",
    "wordset",
]

# --------------------------------------------------------------------------------------------
# Word tables: general English function words and shorthand common in ML system design.


def wordset(text: str) -> frozenset[str]:
    """The words of a space-separated list, so word tables read as plain text."""
    return frozenset(text.split())


STOP_WORDS = wordset(
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

PREFIXES = wordset("re pre multi non sub co de un bi semi self cross")
"""Prefixes that people write joined, hyphenated or apart: `re-ranking` = `reranking`."""

_NOT_PLURAL = wordset(
    "news status analysis bias canvas alias lens series species always axis kubernetes "
    "redis this its was has does class loss process access address business"
)

_SUFFIXES = (
    "ization", "isation", "ational", "ation", "ition", "ator", "ment", "ness", "ing", "ion",
    "ers", "er", "ors", "or", "ive", "ity", "ed", "al", "ate", "e", "y",
)  # fmt: skip

TOKEN = re.compile(r"[^\W_]+")
"""A run of letters or digits: the tokens a label is split into."""


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
def stem_word(word: str) -> str:
    """A light suffix stripper, so inflections compare equal: `training`, `trainer` -> `train`."""
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


def raw_tokens(text: str) -> list[str]:
    """Lowercase letter/digit runs, the surface tokens every label comparison starts from.

    Runs of single letters are one token (`A/B` -> `ab`), and so is a single letter before a
    short word (`k-NN` -> `knn`, `e-commerce` stays).
    """
    out: list[str] = []
    letters = False  # whether out[-1] was built from single letters
    for token in TOKEN.findall(text.lower()):
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


def normal_words(tokens: Sequence[str]) -> tuple[str, ...]:
    """Normalised words, the form in which every label is compared.

    Prefixes joined, shorthand expanded, stop words dropped, singular.
    """
    return _words_of(tuple(tokens))


@lru_cache(maxsize=1 << 16)
def _words_of(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """`normal_words` on a hashable argument, cached: labels repeat across calls and forms."""
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
    return normal_words(raw_tokens(text))
