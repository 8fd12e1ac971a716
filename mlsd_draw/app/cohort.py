"""Grading a cohort: many attempts in one run, one row each, and what the group forgot.

A bootcamp's cohort, an interviewer's candidates or a study group hand in many attempts.
`grade_cohort` grades them all in one process (in a pool of worker processes when the
batch is large enough for that to pay), through the same `grade_loaded` as a single grade,
and keeps of each only a small `AttemptRow`, so memory stays flat however many there are.
`summarise` turns the rows into the cohort's picture: the score distribution and, per
reference component, how many attempts recalled it, the most forgotten first.

A file that cannot be graded (it does not parse, names no case) becomes a row that says
why, and the batch goes on. Rows keep the order of the input, whatever ran in parallel.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import HistoryError, MlsdDrawError, UsageError, shorten

ATTEMPT_EXTENSIONS = (".mlsd", ".dot", ".gv", ".mmd", ".mermaid")
"""The files of a folder that are graded: diagrams `grade` reads (a `.md` file is left out,
since a folder's README is not an attempt, and so is a diff picture `NAME.diff.dot`)."""

PARALLEL_FROM = 8
"""The smallest batch graded by a pool of processes. A pool costs about 0.07 s of CPU to
start and stop; on two idle cores it grades 8 attempts in 0.7 times the time of one
process, 96 in 0.54 times (`benchmarks/bench_cohort.py` measures both)."""

CHUNK = 25
"""At most this many attempts per task sent to a worker: few enough for the progress bar
to move and the cores to share the work evenly, many enough to keep messages rare."""

BAND_WIDTH = 10
"""The histogram of scores counts attempts in bands of 10 points (the last holds 100)."""


@dataclass(frozen=True)
class Component:
    """A reference component as the cohort summary shows it."""

    id: str
    label: str
    weight: float
    note: str | None

    @property
    def shown_note(self) -> str:
        """The note as the summary shows it: a bonus component's without the `bonus:` it
        starts with in the shipped references, since the summary tags it (bonus) already."""
        note = self.note or ""
        if self.weight == 0 and note.lower().startswith("bonus:"):
            return note[len("bonus:") :].lstrip()
        return note


@dataclass(frozen=True)
class ReferenceInfo:
    """The reference some attempts were graded against: its case, title and components."""

    key: str
    """Where it came from (a case id, or a file): what the rows point to."""
    case: str
    title: str | None
    components: tuple[Component, ...]


@dataclass(frozen=True)
class AttemptRow:
    """One attempt's line of the cohort: its score and what it left out, or its error."""

    file: str
    case: str | None = None
    score: float | None = None
    rating: str | None = None
    node_recall: float | None = None
    edge_recall: float | None = None
    missing_core: tuple[str, ...] = ()
    """The labels of the core components (weight above 1) the attempt left out."""
    error: str | None = None
    """Why the attempt could not be graded (the first line of the message), else None."""
    reference: str | None = None
    """The key of its `ReferenceInfo`."""
    recalled: tuple[str, ...] = ()
    """The ids of the reference components the attempt recalled."""
    picture: Path | None = None
    """The diff picture drawn, when pictures were asked for."""


@dataclass(frozen=True)
class Band:
    """How many scores fall in [low, high) (the last band includes 100)."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class Distribution:
    """The scores of the attempts that were graded; the statistics are None when none was."""

    count: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class ComponentRecall:
    """How many of a case's attempts recalled one of its reference components."""

    component: Component
    recalled: int
    attempts: int


@dataclass(frozen=True)
class CaseSummary:
    """One reference of the cohort: its attempts and its components, most forgotten first."""

    reference: ReferenceInfo
    attempts: tuple[int, ...]
    """The indexes (in `Cohort.rows`) of the attempts graded against this reference."""
    components: tuple[ComponentRecall, ...]


@dataclass(frozen=True)
class Cohort:
    """A graded batch: one row per attempt in input order, and the summary."""

    rows: tuple[AttemptRow, ...]
    scores: Distribution
    cases: tuple[CaseSummary, ...]

    @property
    def failed(self) -> int:
        """How many attempts could not be graded."""
        return sum(1 for row in self.rows if row.error is not None)


@dataclass(frozen=True)
class Chunk:
    """A few attempts graded (by a worker, or here): their rows, and the references the
    rows point to."""

    rows: tuple[AttemptRow, ...]
    references: Mapping[str, ReferenceInfo]


def attempt_files(paths: Sequence[str]) -> list[str]:
    """The files to grade, in order: each file as given, each folder as its attempt files
    (`ATTEMPT_EXTENSIONS`, sorted by name, not its subfolders).

    UsageError for a folder that holds none, and for standard input, which a batch of
    several attempts cannot share.
    """
    files: list[str] = []
    for path in paths:
        if path == "-" and len(paths) > 1:
            raise UsageError("- (standard input) can only be graded alone, not in a batch")
        folder = Path(path)
        if not path or not folder.is_dir():
            files.append(path)  # grading it says what is wrong, if anything
            continue
        found = sorted(
            str(folder / entry.name) for entry in os.scandir(folder) if _is_attempt(entry)
        )
        if not found:
            raise UsageError(
                f"{shorten(path)}: is a folder, not a diagram file, and holds no attempt "
                f"({', '.join(ATTEMPT_EXTENSIONS)})"
            )
        files.extend(found)
    return files


def _is_attempt(entry: os.DirEntry[str]) -> bool:
    """Whether a folder's entry is an attempt: a diagram file, not a diff picture."""
    name = Path(entry.name)
    suffix = name.suffix.lower()
    return (
        suffix in ATTEMPT_EXTENSIONS and not name.stem.lower().endswith(".diff") and entry.is_file()
    )


def grade_cohort(
    files: Sequence[str],
    reference_spec: str | None = None,
    *,
    save: bool = False,
    pictures: bool = False,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Cohort:
    """Grade every file against `reference_spec` (else each attempt's `@case`) and summarise.

    Nothing is recorded unless `save`, and no diff picture is drawn unless `pictures` (each
    beside its attempt). `workers` processes grade in parallel (default: one per core for
    a batch of at least PARALLEL_FROM attempts, and one when saving, so the history gets
    its reviews in input order). `on_progress(n)` is called as each n attempts are done.
    A bad `reference_spec` is a UsageError before any attempt is graded.
    """
    if reference_spec is not None:
        from ..library.references import load_reference

        load_reference(reference_spec)  # fail once, up front, rather than once per row
    count = workers if workers is not None else default_workers(len(files), save=save)
    rows: list[AttemptRow] = []
    references: dict[str, ReferenceInfo] = {}
    for chunk in _graded_chunks(files, reference_spec, save, pictures, max(1, count)):
        rows.extend(chunk.rows)
        for key, info in chunk.references.items():
            references.setdefault(key, info)
        if on_progress is not None:
            on_progress(len(chunk.rows))
    return summarise(rows, references)


def default_workers(attempts: int, *, save: bool) -> int:
    """How many processes a batch is graded by: one per core the process may use for a
    large batch, else one (and one when recording, to keep the history's order)."""
    if save or attempts < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, -(-attempts // CHUNK)))


def _graded_chunks(
    files: Sequence[str], reference_spec: str | None, save: bool, pictures: bool, workers: int
) -> Iterator[Chunk]:
    """The batch graded in chunks, in input order: here, or by a pool of `workers`."""
    if workers == 1:
        for file in files:
            yield grade_chunk((file,), reference_spec, save, pictures)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    size = max(1, min(CHUNK, len(files) // (workers * 4)))
    chunks = [tuple(files[i : i + size]) for i in range(0, len(files), size)]
    # On Linux a forked worker starts at once with the grader already imported and its
    # vocabulary read (once, here, rather than once per worker); elsewhere the platform's
    # default (spawn) is the safe one.
    fork = sys.platform == "linux"
    context = multiprocessing.get_context("fork" if fork else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        task = partial(grade_chunk, reference_spec=reference_spec, save=save, pictures=pictures)
        with _one_blas_thread():
            if fork:
                _load_grader()
            results = pool.map(task, chunks)  # starts the workers, under the same setting
        yield from results


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Within: numpy's linear algebra (OpenBLAS, MKL, OpenMP) loads with one thread each.

    A pool already runs one process per core; BLAS threads in each would only spin against
    each other (measured on 2 cores: twice the CPU time for the same grades, and a pool
    slower than one process). It must hold when numpy is first imported, here or in a
    spawned worker; a numpy imported before keeps its setting, and so does one the person
    configured in the environment. The environment is restored afterwards.
    """
    names = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _load_grader() -> None:
    """Import what grading needs (numpy first: see `_one_blas_thread`) and read the
    vocabulary, so that forked workers start with both."""
    import numpy  # noqa: F401

    from ..grading import scoring  # noqa: F401
    from .vocabulary import current_vocabulary

    current_vocabulary()


def grade_chunk(
    files: tuple[str, ...], reference_spec: str | None, save: bool, pictures: bool
) -> Chunk:
    """Grade a few files (in a worker, or here); the references they were graded against."""
    rows = []
    references: dict[str, ReferenceInfo] = {}
    for file in files:
        row, info = _grade_one(file, reference_spec, save=save, pictures=pictures)
        rows.append(row)
        if info is not None:
            references.setdefault(info.key, info)
    return Chunk(tuple(rows), references)


def _grade_one(
    file: str, reference_spec: str | None, *, save: bool, pictures: bool
) -> tuple[AttemptRow, ReferenceInfo | None]:
    """One attempt through the one path every grade takes; its row, or its error's."""
    from .diagrams import load_diagram
    from .grading import grade_loaded, picture_path, rating_of
    from .practice import rating_name

    try:
        attempt = load_diagram(file)
        target = picture_path(file, None, render=pictures)
        outcome = grade_loaded(attempt, file, reference_spec, picture=target, save=save)
    except HistoryError:
        raise  # the history is broken for every attempt alike: stop the batch
    except MlsdDrawError as error:
        lines = str(error).strip().splitlines()
        return AttemptRow(file=file, error=lines[0] if lines else type(error).__name__), None
    grade, reference = outcome.grade, outcome.reference
    info = ReferenceInfo(
        key=reference.origin,
        case=reference.case,
        title=reference.diagram.directives.title,
        components=tuple(
            Component(n.id, n.label, n.weight, n.note) for n in reference.diagram.nodes
        ),
    )
    rating = outcome.review.rating if outcome.review is not None else rating_of(grade)
    return (
        AttemptRow(
            file=file,
            case=reference.case,
            score=float(grade.score),
            rating=rating_name(rating),
            node_recall=grade.node_recall,
            edge_recall=grade.edge_recall,
            missing_core=tuple(
                sys.intern(reference.diagram.node(n).label)
                for n in grade.missing
                if reference.diagram.node(n).weight > 1
            ),
            reference=info.key,
            # Interned: a row then holds pointers to one copy of each id, and a batch of
            # thousands keeps a few hundred bytes per attempt.
            recalled=tuple(sys.intern(p.reference) for p in grade.alignment.pairs),
            picture=outcome.picture,
        ),
        info,
    )


def summarise(rows: Sequence[AttemptRow], references: Mapping[str, ReferenceInfo]) -> Cohort:
    """The cohort of these rows: the score distribution and, per reference, how many of
    its attempts recalled each component (see `forgotten_first` for the order)."""
    scores = [row.score for row in rows if row.score is not None]
    by_reference: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row.reference is not None:
            by_reference.setdefault(row.reference, []).append(index)
    cases = []
    for key, indexes in by_reference.items():
        reference = references[key]
        counts = dict.fromkeys((c.id for c in reference.components), 0)
        for index in indexes:
            for component in rows[index].recalled:
                counts[component] += 1
        recalls = [ComponentRecall(c, counts[c.id], len(indexes)) for c in reference.components]
        cases.append(CaseSummary(reference, tuple(indexes), forgotten_first(recalls)))
    return Cohort(tuple(rows), distribution(scores), tuple(cases))


def forgotten_first(recalls: Iterable[ComponentRecall]) -> tuple[ComponentRecall, ...]:
    """Components from the most forgotten: fewest recalls first, the heavier first among
    equals, then in the reference's order; bonus components (weight 0, never missing)
    come last, since forgetting them costs nothing."""
    ranked = sorted(
        enumerate(recalls),
        key=lambda item: (
            item[1].component.weight == 0,
            item[1].recalled,
            -item[1].component.weight,
            item[0],
        ),
    )
    return tuple(recall for _position, recall in ranked)


def distribution(scores: Sequence[float]) -> Distribution:
    """Count, mean, median, minimum, maximum and the histogram in bands of BAND_WIDTH."""
    counts = [0] * (100 // BAND_WIDTH)
    for score in scores:
        counts[min(int(score // BAND_WIDTH), len(counts) - 1)] += 1
    bands = tuple(
        Band(i * BAND_WIDTH, (i + 1) * BAND_WIDTH, count) for i, count in enumerate(counts)
    )
    if not scores:
        return Distribution(0, None, None, None, None, bands)
    return Distribution(
        count=len(scores),
        mean=round(statistics.fmean(scores), 1),
        median=round(statistics.median(scores), 1),
        minimum=min(scores),
        maximum=max(scores),
        bands=bands,
    )


def write_cohort_page(cohort: Cohort, output: Path) -> Path:
    """Write the cohort's summary and heat map as one self-contained HTML page."""
    from ..core.files import write_text_atomically
    from ..drawing.cohort_html import cohort_html

    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"cannot write {output}: the cohort page is HTML; name it .html")
    return write_text_atomically(output, cohort_html(cohort))
