"""A git history with one commit per release, appended in order: shared by the PyMC mirror and the
nutpie release history (scripts/build_mirror.py, scripts/build_nutpie_history.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Callable
from functools import cache
from pathlib import Path

#: The subject commit_release gives a release's commit ("pymc 6.4.0 (upstream ...)", "nutpie 0.16.11 (PyPI)")
RELEASE_SUBJECT = re.compile(r"[\w-]+ (\d[\w.+-]*) \(")


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


@cache
def pypi_upload_times(project: str) -> dict[str, str]:
    """Release -> its first file's PyPI upload time, ISO 8601 UTC (the per-release JSON endpoint is not served)."""
    with urllib.request.urlopen(f"https://pypi.org/pypi/{project}/json", timeout=60) as response:
        releases = json.load(response)["releases"]
    return {version: min(f["upload_time_iso_8601"] for f in files) for version, files in releases.items() if files}


def append_releases(dest: Path, versions: list[str], author: str, add_release: Callable[[Path, str], None]) -> int:
    """Add the releases not yet tagged, oldest first.

    Commits are appended in release order, so a release older than the newest one there rebuilds the
    whole history (those there and those asked for) beside it, then replaces it: every commit gets a
    new hash (scripts/rekey_results.py moves the committed results to them by tag).
    """
    if (dest / ".git").exists():
        _own(dest, author)
    have = _releases(dest)
    newest = max(have, key=version_key) if have else None
    if newest and any(v not in have and version_key(v) < version_key(newest) for v in versions):
        everything = sorted(set(versions) | set(have), key=version_key)
        print(f"{dest}: inserting releases older than v{newest}; rebuilding all {len(everything)} in order")
        fresh = dest.with_name(dest.name + ".rebuild")
        shutil.rmtree(fresh, ignore_errors=True)
        _append(fresh, everything, author, add_release)
        retired = dest.with_name(dest.name + f".old-{os.getpid()}")
        dest.rename(retired)
        fresh.rename(dest)
        shutil.rmtree(retired)
        return 0
    _append(dest, versions, author, add_release)
    return 0


def _releases(dest: Path) -> list[str]:
    return [tag[1:] for tag in git(dest, "tag", "--list", "v*").split()] if (dest / ".git").exists() else []


def _own(dest: Path, author: str) -> None:
    # The author is part of every hash: the machine's own git identity would move them.
    git(dest, "config", "user.name", author)
    git(dest, "config", "user.email", f"{author}@localhost")
    _restore_tags(dest)


def _restore_tags(dest: Path) -> None:
    """Tag again the release commits whose tags were lost (a copy of the folder without .git/refs/tags).

    Without this, every release would be committed once more on top, under new hashes.
    """
    tagged = set(_releases(dest))
    for line in git(dest, "log", "--branches", "--format=%H %s").splitlines():
        commit, _, subject = line.partition(" ")
        match = RELEASE_SUBJECT.match(subject)
        if match and match.group(1) not in tagged:
            git(dest, "tag", f"v{match.group(1)}", commit)
            print(f"v{match.group(1)}: {commit} (tag restored)")


def _append(dest: Path, versions: list[str], author: str, add_release: Callable[[Path, str], None]) -> None:
    if not (dest / ".git").exists():
        dest.mkdir(parents=True, exist_ok=True)
        git(dest, "init", "--quiet", "--initial-branch=main")
        _own(dest, author)  # an existing history was owned by append_releases already
    have = set(_releases(dest))
    for version in sorted(set(versions) - have, key=version_key):
        add_release(dest, version)
