"""How closely `grade` agrees with human graders, and how fast it grades at scale.

For every `attempt-*.mlsd` under each cases folder (default: the two public sets,
`../shared/eval/cases` with references written apart from ours, and
`../shared/eval/realvocab/cases` with our shipped references and attempts in the words
candidates use), the attempt is graded against the case's `reference.mlsd` exactly as
`mlsd-draw grade ATTEMPT --ref REFERENCE --format json` does. Printed, as the evaluation
set's README defines them:
- alignment precision, recall and F1: a predicted pair is correct when the gold `pairs` hold
  exactly that attempt -> reference pair; micro-averaged over all attempts;
- the Spearman rank correlation between `score` and `human_score`;
- the mean absolute difference between them.
Targets, on each set: F1 >= 0.97, Spearman >= 0.95, mean absolute difference <= 6.

The scale test grades random pipeline-like references of 50 to 3,000 components against
perturbed copies (typos, dropped and extra components, names swapped for aliases, shuffled
statements) and prints the time and the alignment quality against the known truth.
Target: 1,000 against 1,000 under 2 s, growing polynomially.

Run: python benchmarks/eval_grading.py [CASES_FOLDER...] [--no-scale] [--errors]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scipy.stats import spearmanr  # type: ignore[import-untyped, unused-ignore]

from mlsd_draw.grading.matching import Alignment
from mlsd_draw.grading.reports import json_report
from mlsd_draw.grading.scoring import grade
from mlsd_draw.language.model import Diagram, slugify
from mlsd_draw.language.parser import parse, parse_file

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT_CASES = (EVAL / "cases", EVAL / "realvocab" / "cases")
SCALE_SIZES = (50, 200, 1000, 3000)


@dataclass
class Tally:
    """Counts of predicted pairs that are right, predicted pairs, and gold pairs."""

    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Tally) -> None:
        self.correct += other.correct
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(alignment: Alignment, gold: dict[str, str]) -> Tally:
    """Compare predicted attempt -> reference pairs with the gold ones."""
    predicted = {pair.attempt: pair.reference for pair in alignment.pairs}
    correct = sum(1 for a, r in predicted.items() if gold.get(a) == r)
    return Tally(correct, len(predicted), len(gold))


def timed_grade(reference: Diagram, attempt: Diagram) -> tuple[Alignment, float, float]:
    """The alignment, the score (as the JSON report gives it) and the seconds grading took."""
    start = time.perf_counter()
    result = grade(reference, attempt)
    seconds = time.perf_counter() - start
    return result.alignment, float(json_report(result)["score"]), seconds


def evaluate_cases(root: Path, show_errors: bool) -> None:
    """Print P/R/F1 and time per attempt, then the micro average."""
    total = Tally()
    times: list[float] = []
    scores: list[tuple[float, float]] = []  # (ours, human)
    print(f"Grading on {root}")
    print(
        f"{'attempt':40s} {'P':>6s} {'R':>6s} {'F1':>6s} {'pairs':>7s} "
        f"{'score':>6s} {'human':>6s} {'ms':>7s}"
    )
    for case in sorted(p for p in root.iterdir() if (p / "reference.mlsd").is_file()):
        reference = parse_file(case / "reference.mlsd")
        for path in sorted(case.glob("attempt-*.mlsd")):
            gold_path = path.with_name(path.stem + ".gold.json")
            if not gold_path.is_file():
                continue
            judgement = json.loads(gold_path.read_text(encoding="utf-8"))
            gold: dict[str, str] = judgement["pairs"]
            attempt = parse_file(path)
            alignment, ours, seconds = timed_grade(reference, attempt)
            tally = score(alignment, gold)
            total.add(tally)
            times.append(seconds)
            human = float(judgement["human_score"])
            scores.append((ours, human))
            name = f"{case.name}/{path.stem}"
            print(
                f"{name:40s} {tally.precision:6.3f} {tally.recall:6.3f} {tally.f1:6.3f} "
                f"{tally.correct:3d}/{tally.gold:<3d} {ours:6.1f} {human:6.0f} "
                f"{seconds * 1000:7.1f}"
            )
            if show_errors:
                print_errors(alignment, gold)
    if not times:
        print("no attempts with gold files found")
        return
    print(
        f"{'micro average':40s} {total.precision:6.3f} {total.recall:6.3f} {total.f1:6.3f} "
        f"{total.correct:3d}/{total.gold:<3d} {'':13s} {statistics.mean(times) * 1000:7.1f}"
    )
    rho = float(spearmanr([s for s, _ in scores], [h for _, h in scores]).statistic)
    mae = statistics.mean(abs(s - h) for s, h in scores)
    print()
    print(f"alignment F1        {total.f1:.3f}  (target >= 0.97)")
    print(f"Spearman vs human   {rho:.3f}  (target >= 0.95)")
    print(f"mean abs difference {mae:.2f}   (target <= 6)")
    print()


def print_errors(alignment: Alignment, gold: dict[str, str]) -> None:
    """One line per attempt node whose predicted pair differs from the gold one."""
    predicted = alignment.by_attempt()
    for node in sorted(set(predicted) | set(gold)):
        pair = predicted.get(node)
        got = f"{pair.reference} ({pair.how} {pair.similarity:.2f})" if pair else "-"
        if (pair.reference if pair else None) != gold.get(node):
            print(f"    {node}: predicted {got}, gold {gold.get(node, '-')}")


# ---------------------------------------------------------------------------------------------
# Scale test.

QUALIFIERS = tuple(
    str.split(
        "user item query video image text ad session search feed click product merchant payment "
        "account device review content creator listing event audio document geo price fraud "
        "language context graph"
    )
)
DOMAINS = tuple(
    str.split(
        "feature embedding candidate ranking training label interaction metadata event stream "
        "batch online offline realtime index vector model score signal profile history quality "
        "safety policy cache log metric experiment"
    )
)
NOUNS = tuple(
    str.split(
        "store service pipeline job queue model table index cache generator builder encoder "
        "classifier aggregator monitor dashboard registry router filter api"
    )
)
SYNONYMS = {
    "store": "database",
    "service": "server",
    "pipeline": "workflow",
    "job": "task",
    "table": "dataset",
    "generator": "producer",
    "monitor": "watcher",
    "dashboard": "report",
}
SHORT = {
    "service": "svc",
    "embedding": "emb",
    "feature": "feat",
    "index": "idx",
    "candidate": "cand",
    "image": "img",
    "video": "vid",
    "training": "train",
    "model": "mdl",
}
EXTRA_NAMES = tuple(
    str.split(
        "Kafka, API gateway, Load balancer, CDN, Redis, Nginx, Zookeeper, Airflow, "
        "Spark cluster, Cron, Prometheus, Grafana, Kubernetes, Postgres, Cassandra, S3 bucket, "
        "Web app, Mobile app",
        ", ",
    )
)


def random_reference(n: int, rng: random.Random) -> tuple[str, list[str]]:
    """A pipeline-like reference: stages of components, forward edges, a few aliases each."""
    labels: list[str] = []
    seen: set[str] = set()
    while len(labels) < n:
        words = [rng.choice(QUALIFIERS), rng.choice(DOMAINS), rng.choice(NOUNS)]
        if rng.random() < 0.3:
            words.pop(rng.randrange(2))
        label = " ".join(words).capitalize()
        if len(set(words)) == len(words) and slugify(label) not in seen:
            seen.add(slugify(label))
            labels.append(label)
    lines = ["@case scale"]
    for label in labels:
        words = label.lower().split()
        aliases = {" ".join(SYNONYMS.get(w, w) for w in words), " ".join(reversed(words))}
        aliases.discard(label.lower())
        attributes = f" [aka: {', '.join(sorted(aliases))}]" if aliases else ""
        lines.append(f"{label}{attributes}")
    for i in range(1, n):
        for _ in range(1 + (rng.random() < 0.3)):
            j = rng.randrange(max(0, i - 12), i)
            lines.append(f"{labels[j]} -> {labels[i]}")
    return "\n".join(lines), labels


def typo(word: str, rng: random.Random) -> str:
    """Drop, swap or insert one inner letter of a long enough word."""
    if len(word) < 6:
        return word
    k = rng.randrange(1, len(word) - 2)
    choice = rng.randrange(3)
    if choice == 0:
        return word[:k] + word[k + 1 :]
    if choice == 1:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    return word[:k] + rng.choice("aeiou") + word[k:]


def perturbed_attempt(
    reference: Diagram, labels: list[str], rng: random.Random
) -> tuple[Diagram, dict[str, str]]:
    """A from-memory copy: 15% dropped; aliases, shorthand, typos or a word left out; extras
    wired in; 10% of edges reversed; a neutral description on some nodes; shuffled lines."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for node, label in zip(reference.nodes, labels, strict=True):
        if rng.random() < 0.15:
            continue
        words = label.lower().split()
        roll = rng.random()
        if roll < 0.2 and node.aliases:
            words = rng.choice(node.aliases).split()
        elif roll < 0.35:
            words = [SHORT.get(w, w) for w in words]
        elif roll < 0.5:
            k = rng.randrange(len(words))
            words[k] = typo(words[k], rng)
        elif roll < 0.6 and len(words) > 1:
            words.pop(0)
        name = " ".join(words)
        if slugify(name) in used:
            continue
        used.add(slugify(name))
        names[node.id] = name
    lines: list[str] = []
    for edge in reference.edges:
        if edge.source in names and edge.target in names and rng.random() < 0.85:
            a, b = names[edge.source], names[edge.target]
            lines.append(f"{b} -> {a}" if rng.random() < 0.1 else f"{a} -> {b}")
    kept = list(names.values())
    for k in range(max(1, len(kept) // 10)):
        extra = f"{rng.choice(EXTRA_NAMES)} {k}"
        lines.append(f"{rng.choice(kept)} -> {extra} -> {rng.choice(kept)}")
    lines.extend(kept)
    lines.extend(f"{name}: runs every {rng.randrange(1, 60)} minutes" for name in kept[::5])
    rng.shuffle(lines)
    truth = {slugify(name): ref_id for ref_id, name in names.items()}
    return parse("\n".join(lines)), truth


def scale_test(sizes: tuple[int, ...]) -> None:
    """Print grading time and alignment quality for random references of each size."""
    print()
    print("Scale: grading random pipeline-like references against perturbed attempts")
    header = ("nodes", "attempt", "edges", "P", "R", "F1", "seconds")
    widths = (6, 8, 6, 6, 6, 6, 8)
    print(" ".join(f"{h:>{w}s}" for h, w in zip(header, widths, strict=True)))
    for n in sizes:
        rng = random.Random(n)
        text, labels = random_reference(n, rng)
        reference = parse(text)
        attempt, truth = perturbed_attempt(reference, labels, rng)
        if n <= 200:
            grade(reference, attempt)  # warm-up (imports, caches)
        alignment, _score, seconds = timed_grade(reference, attempt)
        tally = score(alignment, truth)
        print(
            f"{n:6d} {len(attempt.nodes):8d} {len(attempt.edges):6d} {tally.precision:6.3f} "
            f"{tally.recall:6.3f} {tally.f1:6.3f} {seconds:8.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation set and the scale test; exit 0 even without the evaluation set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("cases", nargs="*", type=Path, default=list(DEFAULT_CASES))
    parser.add_argument("--no-scale", action="store_true", help="skip the scale test")
    parser.add_argument("--errors", action="store_true", help="list each wrong or missed pair")
    args = parser.parse_args(argv)
    for folder in args.cases:
        if folder.is_dir():
            evaluate_cases(folder, args.errors)
        else:
            print(f"No evaluation set at {folder}: skipping its alignment figures.")
    if not args.no_scale:
        scale_test(SCALE_SIZES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
