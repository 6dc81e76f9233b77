"""A git history with one commit per release, appended in order: shared by the PyMC mirror and the
nutpie release history (scripts/build_mirror.py, scripts/build_nutpie_history.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def git(dest: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(dest), *args], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def commit_release(dest: Path, version: str, date: str, message: str) -> str:
    """Commit the working tree as release ``version``, dated ``date``, tagged ``vVERSION``."""
    git(dest, "add", "--all")
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(dest, "commit", "--quiet", "-m", message, env=env)
    git(dest, "tag", f"v{version}")
    commit = git(dest, "rev-parse", "HEAD")
    print(f"v{version}: {commit} dated {date}")
    return commit


def append_releases(dest: Path, versions: list[str], author: str, add_release: Callable[[Path, str], None]) -> int:
    """Add the releases not yet tagged, oldest first; refuse one older than the newest already there."""
    if not (dest / ".git").exists():
        dest.mkdir(parents=True, exist_ok=True)
        git(dest, "init", "--quiet", "--initial-branch=main")
        git(dest, "config", "user.name", author)
        git(dest, "config", "user.email", f"{author}@localhost")
    have = {tag[1:] for tag in git(dest, "tag", "--list", "v*").split()}
    newest = max(have, key=version_key) if have else None
    for version in sorted(set(versions), key=version_key):
        if version in have:
            continue
        if newest and version_key(version) < version_key(newest):
            print(f"error: {version} is older than v{newest}, the newest release already in {dest}; "
                  f"rebuild from scratch (rm -rf {dest}) to insert it", file=sys.stderr)
            return 1
        add_release(dest, version)
        newest = version
    return 0
