"""Keep committed results keyed to the local PyMC history as it is rebuilt.

    python scripts/rekey_results.py MIRROR --tags TAGS_JSON FOLDER [FOLDER ...]

asv keys results by commit hash. The mirror (scripts/build_mirror.py) is rebuilt from PyPI in release
order, so inserting an older release gives every later commit a new hash. TAGS_JSON (committed)
records tag -> commit of the mirror the committed results were measured on. For every tag whose
commit changed, this renames the results files of the old commit and replaces its hash inside the
JSON and text files of the FOLDERs (results, versions, durations, thresholds, review notes), then
writes the mirror's current tags to TAGS_JSON. A commit of the record that the mirror no longer
has is named in a warning and its results are left untouched (not silently orphaned).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from release_history import git

TEXT_SUFFIXES = {".json", ".txt", ".md"}


def mirror_tags(mirror: Path) -> dict[str, str]:
    lines = git(mirror, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/tags").splitlines()
    # annotated tags would name the tag object; the mirror's are lightweight, but peel to be sure
    return {tag: git(mirror, "rev-parse", f"{tag}^{{commit}}") for tag, _ in (line.split() for line in lines)}


def moves(recorded: dict[str, str], current: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """old hash -> new hash for the tags that moved; and the recorded tags the mirror lacks."""
    moved = {old: current[tag] for tag, old in recorded.items() if tag in current and current[tag] != old}
    missing = sorted(tag for tag in recorded if tag not in current)
    return moved, missing


def rekey_folder(folder: Path, moved: dict[str, str]) -> int:
    """Rename files named after an old commit and replace old hashes inside text files; count the files changed."""
    changed = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        target = path
        for old, new in moved.items():
            if path.name.startswith(old[:8] + "-"):
                target = path.with_name(new[:8] + path.name[8:])
        if path.suffix in TEXT_SUFFIXES:
            text = path.read_text()
            new_text = text
            for old, new in moved.items():
                new_text = new_text.replace(old, new)
            if new_text != text:
                tmp = path.with_suffix(path.suffix + ".tmp")
                tmp.write_text(new_text)
                tmp.replace(path)
                changed += 1
        if target != path:
            if target.exists():
                raise SystemExit(f"error: {path} would replace {target}, which exists; nothing more renamed")
            path.rename(target)
            changed += 1
    return changed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror", type=Path)
    parser.add_argument("--tags", type=Path, required=True)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    current = mirror_tags(args.mirror)
    recorded = json.loads(args.tags.read_text()) if args.tags.exists() else {}
    moved, missing = moves(recorded, current)
    for tag in missing:
        print(f"warning: {args.tags} records {tag} at {recorded[tag][:8]}, which {args.mirror} lacks; "
              f"its results keep their hash", file=sys.stderr)
    if moved:
        for folder in args.folders:
            if folder.is_dir():
                print(f"{folder}: {rekey_folder(folder, moved)} files re-keyed")
        for tag, old in sorted(recorded.items()):
            if old in moved:
                print(f"{tag}: {old[:8]} -> {moved[old][:8]}")
    kept = {tag: commit for tag, commit in recorded.items() if tag in missing}
    args.tags.write_text(json.dumps({**kept, **current}, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
