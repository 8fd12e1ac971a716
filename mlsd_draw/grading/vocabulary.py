"""The shared vocabulary: the technologies, everyday words and shorthand people write for a
component, and the roles each of them can play.

Candidates write `Kafka` for an event stream, `XGBoost` for a ranking model and `app` for
the request a client sends. What those words mean is the same in every case, so it lives
in one data file that ships with the package (`vocabulary.toml`, beside this module) rather
than in every reference's `aka` list. A role names what a component does (`event-stream`,
`ranking-model`); it lists the phrases references use for such a component (`means`), the
words people write for it (`terms`), and the everyday words that may mean it but need the
neighbours to agree (`vague`).

People add terms of their own in a file of the same format: `vocabulary.toml` in the user
data folder (where the history lives), or files listed in `MLSD_DRAW_VOCABULARY`
(separated like `PATH`). A role id that already exists gains the new phrases; a new id
adds a role.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from ..core.package_data import package_folder
from ..language.model import NODE_KINDS
from .normalise import normalize_label

__all__ = [
    "ENV_VAR",
    "USER_FILE",
    "Role",
    "TermHit",
    "Vocabulary",
    "VocabularyProblem",
    "check_vocabulary_text",
    "load_vocabulary",
    "shipped_vocabulary",
    "user_vocabulary_files",
]

ENV_VAR = "MLSD_DRAW_VOCABULARY"
USER_FILE = "vocabulary.toml"
_FIELDS = frozenset({"about", "kind", "means", "terms", "vague"})


@dataclass(frozen=True)
class Role:
    """What a component does, the phrases references use for it and the words people write."""

    id: str
    about: str
    kind: str | None
    means: tuple[str, ...]
    terms: tuple[str, ...]
    vague: tuple[str, ...] = ()


@dataclass(frozen=True)
class TermHit:
    """A vocabulary word found in a label: the word as the vocabulary spells it, the roles it
    can play, and whether it is vague (an everyday word that needs its neighbours)."""

    term: str
    roles: tuple[str, ...]
    vague: bool


@dataclass(frozen=True)
class VocabularyProblem:
    """Something wrong in a vocabulary file, with the line it is on when known."""

    message: str
    line: int | None = None


_GENERIC_ENDS = frozenset({"api", "apis", "endpoint", "service", "server", "sdk"})
"""Last words a product's name may go without (`OpenAI moderation API`): a term of three
words or more ending in one is also found without it."""


@dataclass(frozen=True)
class Vocabulary:
    """The roles, and indexes from normalised words to the terms and phrases that use them."""

    roles: Mapping[str, Role]
    _terms: Mapping[tuple[str, ...], TermHit] = field(repr=False)
    _means: Mapping[tuple[str, ...], tuple[str, ...]] = field(repr=False)
    _longest: int = field(repr=False)
    words: frozenset[str] = field(default=frozenset(), repr=False)
    """Every normalised word of every term and phrase: words never read as shorthand."""

    @classmethod
    def from_roles(cls, roles: Iterable[Role]) -> Vocabulary:
        """Index a set of roles; a word in several roles plays each of them."""
        by_id = {role.id: role for role in roles}
        terms: dict[tuple[str, ...], tuple[str, set[str], bool]] = {}
        means: dict[tuple[str, ...], set[str]] = {}
        for role in by_id.values():
            for text, vague in [(t, False) for t in role.terms] + [(v, True) for v in role.vague]:
                full = normalize_label(text)
                # `OpenAI moderation API` is also written `OpenAI moderation`.
                short = full[:-1] if len(full) > 2 and full[-1] in _GENERIC_ENDS else None
                for words in (full, short):
                    if not words or (words is short and words in terms):
                        continue
                    spelt, ids, was_vague = terms.get(words, (text, set(), vague))
                    ids.add(role.id)
                    terms[words] = (spelt, ids, was_vague or vague)
            for phrase in role.means:
                words = normalize_label(phrase)
                if words:
                    means.setdefault(words, set()).add(role.id)
        hits = {w: TermHit(t, tuple(sorted(ids)), vague) for w, (t, ids, vague) in terms.items()}
        longest = max((len(w) for w in [*hits, *means]), default=0)
        known = frozenset(w for phrase in [*hits, *means] for w in phrase)
        return cls(by_id, hits, {w: tuple(sorted(r)) for w, r in means.items()}, longest, known)

    def to_data(self) -> dict[str, Any]:
        """The vocabulary as plain JSON data, indexes included, so a later run can load it
        without indexing the roles again (see :meth:`from_data`)."""
        return {
            "roles": [asdict(role) for role in self.roles.values()],
            "terms": {
                " ".join(w): [hit.term, list(hit.roles), hit.vague]
                for w, hit in self._terms.items()
            },
            "means": {" ".join(w): list(ids) for w, ids in self._means.items()},
            "longest": self._longest,
            "words": sorted(self.words),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Vocabulary:
        """A vocabulary from :meth:`to_data`'s data; KeyError, TypeError or ValueError when
        the data is not such (a damaged cache file)."""
        roles = {}
        for item in data["roles"]:
            role = Role(
                str(item["id"]),
                str(item["about"]),
                None if item["kind"] is None else str(item["kind"]),
                tuple(map(str, item["means"])),
                tuple(map(str, item["terms"])),
                tuple(map(str, item["vague"])),
            )
            roles[role.id] = role
        terms = _StoredTerms(data["terms"])
        means = {tuple(w.split(" ")): tuple(map(str, ids)) for w, ids in data["means"].items()}
        return cls(roles, terms, means, int(data["longest"]), frozenset(map(str, data["words"])))

    def term(self, words: Sequence[str]) -> TermHit | None:
        """The term spelt by exactly these normalised words, if the vocabulary has it."""
        return self._terms.get(tuple(words))

    def terms_in(self, words: Sequence[str]) -> list[TermHit]:
        """Every term that occurs in a run of normalised words (longest first at each place):
        `Ranker (XGBoost)` holds `XGBoost`, `Kafka topic` holds `Kafka`."""
        found: dict[str, TermHit] = {}
        for start in range(len(words)):
            for end in range(min(len(words), start + self._longest), start, -1):
                hit = self._terms.get(tuple(words[start:end]))
                if hit is not None:
                    found.setdefault(hit.term, hit)
                    break
        return list(found.values())

    def roles_named_by(self, words: Sequence[str], head: str | None = None) -> dict[str, float]:
        """The roles a reference spelling names, with how surely: 1 when the spelling is one
        of a role's phrases or terms, 0.9 when a phrase of the role ends the spelling
        (`online feature store` names a feature store)."""
        words = tuple(words)
        roles: dict[str, float] = {}
        for role_id in self._means.get(words, ()):
            roles[role_id] = 1.0
        hit = self._terms.get(words)
        if hit is not None and not hit.vague:
            for role_id in hit.roles:
                roles[role_id] = 1.0
        for size in range(min(len(words) - 1, self._longest), 0, -1):
            tail = words[len(words) - size :]
            if head is not None and tail[-1] != head:
                continue
            for role_id in self._means.get(tail, ()):
                roles.setdefault(role_id, 0.9)
        return roles

    def is_vague(self, words: Sequence[str]) -> bool:
        """Whether these words are an everyday word that fits many roles (`app`, `DB`)."""
        hit = self._terms.get(tuple(words))
        return hit is not None and hit.vague


class _StoredTerms(Mapping[tuple[str, ...], TermHit]):
    """The terms as a cached index stores them (normalised words joined by spaces, to the
    term's spelling, roles and vagueness), made into a :class:`TermHit` only when looked
    up: a grade looks up a few hundred of some three thousand, and loading them all would
    be a tenth of a fresh grade's own work."""

    def __init__(self, stored: Mapping[str, Sequence[Any]]) -> None:
        if not all(isinstance(v, list) and len(v) == 3 for v in stored.values()):
            raise ValueError("not a vocabulary index")
        self._stored = stored

    def __getitem__(self, words: tuple[str, ...]) -> TermHit:
        term, roles, vague = self._stored[" ".join(words)]
        return TermHit(str(term), tuple(map(str, roles)), bool(vague))

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return (tuple(key.split(" ")) for key in self._stored)

    def __len__(self) -> int:
        return len(self._stored)


def _read_roles(data: Mapping[str, Any], source: str) -> tuple[list[Role], list[str]]:
    """Roles from a parsed TOML document, and the problems that keep others out."""
    problems: list[str] = []
    table = data.get("roles")
    if not isinstance(table, dict):
        return [], [f"{source}: no [roles.ID] tables"]
    roles = []
    for role_id, body in table.items():
        where = f"{source}: [roles.{role_id}]"
        if not isinstance(body, dict):
            problems.append(f"{where} is not a table")
            continue
        unknown = sorted(set(body) - _FIELDS)
        if unknown:
            problems.append(
                f"{where}: unknown key {', '.join(unknown)} (use {', '.join(sorted(_FIELDS))})"
            )
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("means", "terms", "vague"):
            value = body.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{where}: {key} must be a list of strings")
                value = []
            lists[key] = tuple(v for v in value if normalize_label(v))
        kind = body.get("kind")
        if kind is not None and kind not in NODE_KINDS:
            problems.append(f"{where}: unknown kind {kind!r} (use one of {', '.join(NODE_KINDS)})")
            kind = None
        about = body.get("about", "")
        if not isinstance(about, str):
            problems.append(f"{where}: about must be a string")
            about = ""
        roles.append(Role(role_id, about, kind, lists["means"], lists["terms"], lists["vague"]))
    return roles, problems


def check_vocabulary_text(text: str, source: str) -> tuple[list[Role], list[VocabularyProblem]]:
    """Parse a vocabulary file's text: its roles, and every problem found (for `lint`)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        return [], [VocabularyProblem(f"{source}: not valid TOML: {error}", line)]
    roles, problems = _read_roles(data, source)
    return roles, [VocabularyProblem(p) for p in problems]


def _merge(base: Mapping[str, Role], extra: Iterable[Role]) -> dict[str, Role]:
    """Roles of `base` with those of `extra` added: a known id gains phrases, terms and
    vague words (and an about or kind it lacked); a new id is a new role."""
    merged = dict(base)
    for role in extra:
        old = merged.get(role.id)
        if old is None:
            merged[role.id] = role
            continue
        merged[role.id] = Role(
            role.id,
            old.about or role.about,
            old.kind or role.kind,
            old.means + tuple(m for m in role.means if m not in old.means),
            old.terms + tuple(t for t in role.terms if t not in old.terms),
            old.vague + tuple(v for v in role.vague if v not in old.vague),
        )
    return merged


SHIPPED_FILE = package_folder("mlsd_draw.grading").joinpath("vocabulary.toml")
"""The vocabulary file that ships with mlsd-draw."""


@lru_cache(maxsize=1)
def shipped_vocabulary() -> Vocabulary:
    """The vocabulary that ships with mlsd-draw (read once per process)."""
    text = SHIPPED_FILE.read_text(encoding="utf-8")
    roles, problems = check_vocabulary_text(text, "vocabulary.toml")
    if problems:  # the shipped file is checked by the tests; this guards a broken install
        raise UsageError("; ".join(p.message for p in problems))
    return Vocabulary.from_roles(roles)


def user_vocabulary_files(data_folder: Path | None) -> list[Path]:
    """The user's vocabulary files: `vocabulary.toml` in the data folder if it exists, then
    each file listed in `MLSD_DRAW_VOCABULARY` (which must exist)."""
    found = []
    if data_folder is not None and (data_folder / USER_FILE).is_file():
        found.append(data_folder / USER_FILE)
    for entry in filter(None, os.environ.get(ENV_VAR, "").split(os.pathsep)):
        path = Path(entry)
        if not path.is_file():
            raise UsageError(f"{ENV_VAR} lists {entry}, which is not a file")
        found.append(path)
    return found


def load_vocabulary(paths: Sequence[Path] = ()) -> Vocabulary:
    """The shipped vocabulary with the roles of each file in `paths` merged in, in order.

    A file that cannot be read or has problems is a UsageError naming it: a grade must not
    silently ignore the terms a person added.
    """
    if not paths:
        return shipped_vocabulary()
    roles: dict[str, Role] = dict(shipped_vocabulary().roles)
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read the vocabulary {path}: {error}") from None
        extra, problems = check_vocabulary_text(text, str(path))
        if problems:
            first = problems[0]
            where = f" (line {first.line})" if first.line else ""
            raise UsageError(f"{first.message}{where}; check it with `mlsd-draw lint {path}`")
        roles = _merge(roles, extra)
    return Vocabulary.from_roles(roles.values())
