"""A long fuzz run: generated and mutated inputs through every reader, the formatter and
the grader, checking that nothing crashes, hangs or breaks an invariant.

The hypothesis properties in tests/ explore the same ground a few hundred inputs at a
time; this script runs many more, from seeds that mutate real files (the shipped
references, the example attempts) as well as text built from the languages' own syntax.

Invariants checked for every input:
- each reader (.mlsd, DOT, Mermaid) returns a diagram or raises ParseError, whose message
  renders; nothing else escapes;
- `fmt` of a diagram parses back to the same diagram, is a fixed point, and keeps every
  comment of the source;
- writing a diagram as DOT or Mermaid and reading it back gives the same diagram;
- grading it against a reference gives a score between 0 and 100, and grading a
  reference against itself gives 100;
- no input takes longer than --hang seconds (a hang is reported with the input).

Run: python benchmarks/fuzz.py --count 100000        (about a quarter of an hour)
     python benchmarks/fuzz.py --seconds 60          (what CI runs)
A failure prints the input (repr) and the check that failed, and exits 1.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from mlsd_draw.core.errors import ParseError
from mlsd_draw.formats.dispatch import read_diagram, write_diagram
from mlsd_draw.grading.scoring import grade
from mlsd_draw.language.comments import find_comments
from mlsd_draw.language.formatter import format_diagram
from mlsd_draw.language.model import Diagram
from mlsd_draw.language.parser import normalise_newlines, parse
from mlsd_draw.library.references import load_case, shipped_case_ids

SYNTAX = [*'->-<={}[];:,#"\\@ \n\t()', "->", "<-", "--", "<->", "=>", "→", "kind:", "aka:"]
WORDS = ["A", "Ranking", "Feature store", "Kafka", "é", "x1", "store", "weight: 2", "note:", "3"]
DOT_SYNTAX = [*'{}[];=,"\n ', "digraph", "graph", "subgraph", "->", "--", "label", "cluster_x"]
MERMAID_SYNTAX = [*'[](){}|>;"\n ', "flowchart LR", "-->", "---", "subgraph", "end", "%%"]


class HangError(Exception):
    """An input took longer than the allowed time."""


def seeds() -> list[str]:
    """Real files to mutate: every shipped reference and the bundled example attempts."""
    texts = [
        files("mlsd_draw.reference_graphs").joinpath(f"{case}.mlsd").read_text(encoding="utf-8")
        for case in shipped_case_ids()
    ]
    examples = files("mlsd_draw.examples")
    texts += [p.read_text(encoding="utf-8") for p in examples.iterdir() if p.name.endswith(".mlsd")]
    attempts = Path(__file__).parent.parent / "tests" / "attempts"
    if attempts.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(attempts.glob("*.mlsd"))]
    return texts


def mutate(rng: random.Random, text: str, alphabet: list[str]) -> str:
    """A few random cuts, copies and insertions of syntax into `text`."""
    for _ in range(rng.randint(1, 6)):
        if not text:
            text = rng.choice(alphabet)
            continue
        at = rng.randrange(len(text))
        move = rng.random()
        if move < 0.4:
            text = text[:at] + rng.choice(alphabet) + text[at:]
        elif move < 0.7:
            text = text[:at] + text[at + rng.randint(1, 20) :]
        elif move < 0.85:
            start = rng.randrange(len(text))
            text = text[:at] + text[start : start + rng.randint(1, 80)] + text[at:]
        else:
            text = text[:at] + chr(rng.randint(0, 0x2FFF)) + text[at:]
    return text


def generated(rng: random.Random, alphabet: list[str]) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))


def check_mlsd(text: str, references: list[Diagram]) -> None:
    try:
        diagram = parse(text, path="fuzz.mlsd")
    except ParseError as error:
        error.render()
        return
    formatted = format_diagram(diagram)
    again = parse(formatted)
    assert again == diagram, "fmt changed the meaning"
    assert format_diagram(again) == formatted, "fmt is not a fixed point"
    before = sorted(c for _, c in find_comments(normalise_newlines(text)))
    assert sorted(c for _, c in find_comments(formatted)) == before, "fmt lost a comment"
    # Reading DOT goes through pydot, which takes a third of a second on a whole
    # reference: one input in ten makes that round trip, every one the Mermaid one.
    for fmt in ("dot", "mermaid") if len(text) % 10 == 0 else ("mermaid",):
        back = read_diagram(write_diagram(diagram, fmt), path=f"fuzz.{fmt}", fmt=fmt)
        assert back == diagram, f"the {fmt} round trip changed the diagram"
    result = grade(references[len(text) % len(references)], diagram)
    assert 0.0 <= result.score <= 100.0, f"score {result.score} out of range"


def check_reader(fmt: str) -> Callable[[str, list[Diagram]], None]:
    def check(text: str, _references: list[Diagram]) -> None:
        try:
            read_diagram(text, path=f"fuzz.{fmt}", fmt=fmt)
        except ParseError as error:
            error.render()

    return check


def run(count: int | None, seconds: float | None, seed: int, hang: float) -> int:
    rng = random.Random(seed)
    references = [load_case(case).diagram for case in shipped_case_ids()]
    for reference in references:
        assert grade(reference, reference).score == 100.0, "a reference does not score 100"
    texts = seeds()
    # Whole mutated files are the slowest inputs (grading, round trips): one in eight.
    kinds: list[tuple[str, Callable[[], str], Callable[[str, list[Diagram]], None]]] = [
        ("mlsd mutated", lambda: mutate(rng, rng.choice(texts), SYNTAX + WORDS), check_mlsd),
        ("mlsd generated", lambda: generated(rng, SYNTAX + WORDS), check_mlsd),
        ("mlsd generated", lambda: generated(rng, SYNTAX + WORDS), check_mlsd),
        ("mlsd generated", lambda: generated(rng, SYNTAX + WORDS), check_mlsd),
        ("dot generated", lambda: generated(rng, DOT_SYNTAX + WORDS), check_reader("dot")),
        ("dot generated", lambda: generated(rng, DOT_SYNTAX + WORDS), check_reader("dot")),
        (
            "mermaid generated",
            lambda: generated(rng, MERMAID_SYNTAX + WORDS),
            check_reader("mermaid"),
        ),
        (
            "mermaid generated",
            lambda: generated(rng, MERMAID_SYNTAX + WORDS),
            check_reader("mermaid"),
        ),
    ]

    def alarm(_signum: int, _frame: object) -> None:
        raise HangError

    signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    done = 0
    per_kind = dict.fromkeys((k for k, _, _ in kinds), 0)
    while (count is None or done < count) and (
        seconds is None or time.monotonic() - started < seconds
    ):
        name, make, check = kinds[done % len(kinds)]
        text = make()
        signal.setitimer(signal.ITIMER_REAL, hang)
        try:
            check(text, references)
        except HangError:
            print(f"HANG ({name}, over {hang} s): {text!r}")
            return 1
        except Exception as error:  # any other escape is a finding
            print(f"FAILED ({name}): {type(error).__name__}: {error}\ninput: {text!r}")
            return 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        done += 1
        per_kind[name] += 1
        if done % 10_000 == 0:
            print(f"  {done} inputs, {time.monotonic() - started:.0f} s", flush=True)
    elapsed = time.monotonic() - started
    kinds_done = ", ".join(f"{k} {n}" for k, n in per_kind.items())
    print(
        f"fuzz: {done} inputs in {elapsed:.1f} s (seed {seed}): no crash, hang or broken invariant"
    )
    print(f"      {kinds_done}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, help="stop after this many inputs")
    parser.add_argument("--seconds", type=float, help="stop after this long")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--hang", type=float, default=10.0, help="seconds one input may take")
    args = parser.parse_args(argv)
    if args.count is None and args.seconds is None:
        args.count = 100_000
    return run(args.count, args.seconds, args.seed, args.hang)


if __name__ == "__main__":
    sys.exit(main())
