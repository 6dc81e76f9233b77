"""Generated blocks inside hand-written pages (README.md, docs/): the text between two markers."""

from __future__ import annotations


def replace_block(page: str, start: str, end: str, block: str, name: str = "the page") -> str:
    """`page` with the text from marker `start` to marker `end` replaced by `block` (which carries both)."""
    if start not in page or end not in page:
        raise SystemExit(f"{name} has no block {start} ... {end}")
    before, rest = page.split(start, 1)
    return before + block + rest.split(end, 1)[1]
