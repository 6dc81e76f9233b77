"""Build a git history of nutpie releases for asv: one commit per release, each pinning its wheel.

    python scripts/build_nutpie_history.py DEST VERSION [VERSION ...]

nutpie is Rust: building its commits needs a toolchain and crates.io, which these machines lack.
Each commit here is a tiny package, ``nutpie-release``, whose one dependency is ``nutpie==X``, so
asv installs nutpie X's wheel from PyPI at that commit. Commits are dated with the release's PyPI
upload time and tagged ``vX``, so the dashboard's x-axis is nutpie's release history. Re-running
adds only releases not yet tagged, in order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "nutpie-release"
version = "{version}"
description = "nutpie {version} from PyPI, as one commit of a release history for asv"
dependencies = ["nutpie=={version}"]

[tool.setuptools]
py-modules = []
"""


def git(dest: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", "-C", str(dest), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def upload_times() -> dict[str, str]:
    """Release -> its first file's PyPI upload time (the per-release JSON endpoint is not served)."""
    with urllib.request.urlopen("https://pypi.org/pypi/nutpie/json", timeout=60) as response:
        releases = json.load(response)["releases"]
    return {version: min(f["upload_time_iso_8601"] for f in files) for version, files in releases.items() if files}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dest, versions = Path(argv[0]), sorted(set(argv[1:]), key=_key)
    if not (dest / ".git").exists():
        dest.mkdir(parents=True, exist_ok=True)
        git(dest, "init", "--quiet", "--initial-branch=main")
        git(dest, "config", "user.name", "nutpie-releases")
        git(dest, "config", "user.email", "nutpie-releases@localhost")
    have = {tag[1:] for tag in git(dest, "tag", "--list", "v*").split()}
    newest = max(have, key=_key) if have else None
    released = upload_times()
    for version in versions:
        if version in have:
            continue
        if newest and _key(version) < _key(newest):
            print(f"error: nutpie {version} is older than v{newest}, already in {dest}; rebuild from scratch "
                  f"(rm -rf {dest}) to insert it", file=sys.stderr)
            return 1
        if version not in released:
            raise SystemExit(f"nutpie {version} is not on PyPI; releases: {', '.join(sorted(released, key=_key))}")
        (dest / "pyproject.toml").write_text(PYPROJECT.format(version=version))
        date = released[version]
        git(dest, "add", "pyproject.toml")
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        git(dest, "commit", "--quiet", "-m", f"nutpie {version} (PyPI)", env=env)
        git(dest, "tag", f"v{version}")
        print(f"v{version}: {git(dest, 'rev-parse', 'HEAD')} dated {date}")
        newest = version
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
