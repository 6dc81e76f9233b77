"""The paired history's pairs of neighbouring releases (scripts/paired_history.py) read as review pairs, and each
pair's verdict on every case and backend family it measured, gradient and sampling time: what the pages that measure
releases another way are checked against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reporting import adjacent, compare
from reporting.results import GRADIENT, WALL

HISTORY_BENCHMARK = {adjacent.KIND: GRADIENT, adjacent.SAMPLING_KIND: WALL}  # a pair's kind -> the history's benchmark
CASE_COLUMNS = ["before", "release", "model", "backend", "ratio", "low", "high", "verdict", "flagged_from"]
FAMILY_COLUMNS = ["before", "release", "family", "kind", "backends", "ratio", "low", "high", "verdict"]


def pair_folders(results: Path) -> list[tuple[Path, list[tuple[str, dict]]]]:
    """The pairs' folders (BASE..HEAD) under `results` that hold duet files, each with its files (adjacent.read)."""
    return [(path, files) for path in sorted(Path(results).glob("*..*"))
            if path.is_dir() and (files := adjacent.read(path))]


@dataclass(frozen=True)
class PairedProject:
    """Whose releases a paired history pairs, as its page and the pages checked against it name them."""
    name: str  # PyMC, nutpie
    sides: str  # how each release's processes are installed
    page: str  # the pairs' page, under docs/
    unpaired: str  # the unpaired history of the same releases, and its page
    history: str  # that history's results
    tags: str  # its releases' tags
    make: str  # the make target that measures the pairs


PAIRED_PROJECTS = {
    "release-day": PairedProject("PyMC", "each in the environment of its release day", "paired-history.md",
                                 "the release-day history (docs/findings.md),", "results",
                                 "history-tags/pymc-mirror.json", "make paired-history"),
    "fixed": PairedProject("nutpie", "each with the nutpie history's fixed stack (asv_nutpie_stack.txt)",
                           "paired-history-nutpie.md",
                           "the nutpie history (docs/findings-nutpie.md), with the same stack,", "results-nutpie",
                           "history-tags/nutpie-releases.json", "make paired-history-nutpie")}


def stack_of_pairs(pairs: list[tuple[Path, list[tuple[str, dict]]]]) -> str:
    """The stack of the unpaired history the `pairs` (pair_folders) compare with (findings.stack_of's names):
    release-day for PyMC's releases; for nutpie's, the PyMC of the fixed stack their sides recorded."""
    for _, files in pairs:
        for _, measured in files:
            for side in measured.get("versions", {}).values():
                if "nutpie" in side and "pymc" not in side:
                    return f"PyMC {side['resolved']['pymc']}"
    return "release-day"


def paired_project(stack: str) -> PairedProject:
    """Whose pairs were measured in `stack` (stack_of_pairs)."""
    return PAIRED_PROJECTS["release-day" if stack == "release-day" else "fixed"]


def review_pairs_of(files: list[tuple[str, dict]]) -> pd.DataFrame:
    """A pair's review pairs (base and head as its files name them)."""
    return adjacent.review_pairs(files, *files[0][1]["commits"][:2])


def judged_pairs(pairs: list[tuple[Path, list[tuple[str, dict]]]]) -> list[tuple[str, str, compare.PairedReview]]:
    """Per pair of `pairs` (pair_folders) judged (a round on both sides): its earlier release, its later one, its
    review."""
    judged = []
    for folder, files in pairs:
        if (review := compare.paired_review(review_pairs_of(files))) is not None:
            judged.append((*folder.name.split(".."), review))
    return judged


def case_verdicts(judged: list[tuple[str, str, compare.PairedReview]], kind: str = adjacent.KIND) -> pd.DataFrame:
    """Per pair `judged` (judged_pairs) and case of `kind` (adjacent.KIND: gradient, adjacent.SAMPLING_KIND): the
    later release over the earlier, its 95 % interval, the review's verdict (false discoveries controlled within the
    pair) and the smallest change it could have flagged."""
    found = [review.speed[review.speed["kind"] == kind].assign(before=before, release=release)[CASE_COLUMNS]
             for before, release, review in judged]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=CASE_COLUMNS)


def family_verdicts(judged: list[tuple[str, str, compare.PairedReview]]) -> pd.DataFrame:
    """Per pair `judged` (judged_pairs), backend family and kind (gradient, sampling): its aggregate (the review's: the
    geometric mean over the family's cases, trimmed), the later release over the earlier, its 95 % interval, verdict
    and the backends the pair measured in it (a tuple)."""
    found = [review.aggregates.assign(before=before, release=release,
                                      backends=[backends_of(cases) for cases in family_cases(review)])[FAMILY_COLUMNS]
             for before, release, review in judged]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=FAMILY_COLUMNS)


def family_cases(review: compare.PairedReview) -> list[pd.DataFrame]:
    """Per family aggregate of `review` (its rows' order): its cases' rows of review.speed."""
    speed = review.speed
    return [speed[(speed["family"] == family) & (speed["kind"] == kind)]
            for family, kind in zip(review.aggregates["family"], review.aggregates["kind"])]


def backends_of(cases: pd.DataFrame) -> tuple[str, ...]:
    """The backends of a family aggregate's cases (family_cases), sorted."""
    return tuple(sorted(set(cases["backend"])))
