"""Generated blocks inside hand-written pages (README.md, docs/): the text between two markers; and the
generated pages the landing page links, in one frame."""

from __future__ import annotations

import html
from pathlib import Path


STANDALONE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{title}</title>
<style>body {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }} th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; }}
img {{ max-width: 100%; }}</style></head>
<body><h1>{heading}</h1>
{body}
</body></html>
"""


def write_standalone(path: Path, title: str, heading: str, body: str) -> Path:
    """One of the landing page's generated pages (html/scaling.html, html/guidance.html): title, heading, body."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STANDALONE.format(title=html.escape(title), heading=html.escape(heading), body=body))
    return path


def replace_block(page: str, start: str, end: str, block: str, name: str = "the page") -> str:
    """`page` with the text from marker `start` to marker `end` replaced by `block` (which carries both)."""
    if start not in page or end not in page:
        raise SystemExit(f"{name} has no block {start} ... {end}")
    before, rest = page.split(start, 1)
    return before + block + rest.split(end, 1)[1]


def update_block(path: Path, start: str, end: str, block: str) -> None:
    """The file at `path` with its block from `start` to `end` replaced by `block` (replace_block); nothing written
    where it has no such block."""
    path.write_text(replace_block(path.read_text(), start, end, block, str(path)))
