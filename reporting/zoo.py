"""The model zoo's table, from the registry (models/): each model, what it is, its parameters at the default
size, its sizes, its reference posterior and whether the quick tier samples it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reporting.pages import update_block

START = "<!-- zoo: written by make docs (python -m reporting zoo) -->"
END = "<!-- zoo end -->"


def _parameters(model) -> int:
    return sum(int(value.size) for value in model.initial_point().values())


def _reference(spec, size) -> str:
    record = spec.reference(size)
    if record is None:
        return "none yet"
    return "analytic" if record.get("source") == "analytic" else f"{record.get('backend', 'a long run')}, {record['created']}"


def zoo_table() -> pd.DataFrame:
    import models
    from benchmarks.common import QUICK_CASES, parse_case

    quick = {parse_case(case)[0].name: case for case in QUICK_CASES}
    rows = []
    for spec in models.registry().values():
        sizes = " / ".join(f"**{size:,}**" if size == spec.default_size else f"{size:,}" for size in spec.sizes)
        rows.append({"model": f"`{spec.name}`", "what": spec.description,
                     "parameters (default size)": _parameters(spec.build()), "sizes": sizes or "fixed",
                     "reference posterior (default size)": _reference(spec, spec.default_size),
                     "quick tier": quick.get(spec.name, "no (full tier)")})
    return pd.DataFrame(rows)


def block(table: pd.DataFrame) -> str:
    return f"{START}\n{table.to_markdown(index=False)}\n{END}"


def main(args) -> int:
    page = Path(args.page)
    update_block(page, START, END, block(zoo_table()))
    print(f"wrote {page}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--page", default="README.md", help="the page whose zoo block is rewritten")
