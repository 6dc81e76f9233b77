"""Build a local git history of PyMC from its source distributions on PyPI (no GitHub here).

    python scripts/build_mirror.py DEST VERSION [VERSION ...]

One commit per release, oldest first, tagged ``vX.Y.Z`` and dated with the upstream commit date
that the sdist's versioneer file records (its upstream hash goes in the message). Re-running adds
only the releases not yet tagged; a release older than the newest one already there is refused,
because commits are appended in order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION_JSON = re.compile(r"version_json = '''\n(.*?)'''", re.DOTALL)


def git(dest: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(dest), *args], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def download_sdist(version: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "--dest", str(into), f"pymc=={version}"],
        check=True,
    )
    (sdist,) = into.glob(f"pymc-{version}.tar.gz")
    return sdist


def upstream_info(tree: Path) -> dict:
    match = VERSION_JSON.search((tree / "pymc" / "_version.py").read_text())
    if not match:
        raise RuntimeError(f"{tree}: pymc/_version.py holds no versioneer version_json")
    return json.loads(match.group(1))


def add_release(dest: Path, version: str, work: Path) -> None:
    sdist = download_sdist(version, work)
    with tarfile.open(sdist) as archive:
        archive.extractall(work, filter="data")  # "data" drops the archive's owners (git's safe.directory)
    tree = work / f"pymc-{version}"
    info = upstream_info(tree)
    for entry in dest.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for entry in tree.iterdir():
        target = dest / entry.name
        shutil.copytree(entry, target) if entry.is_dir() else shutil.copy2(entry, target)
    git(dest, "add", "--all")
    date = info["date"]
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(dest, "commit", "--quiet", "-m", f"pymc {version} (upstream {info['full-revisionid']})", env=env)
    git(dest, "tag", f"v{version}")
    print(f"v{version}: {git(dest, 'rev-parse', 'HEAD')} dated {date}")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dest, versions = Path(argv[0]), sorted(set(argv[1:]), key=_key)
    if not (dest / ".git").exists():
        dest.mkdir(parents=True, exist_ok=True)
        git(dest, "init", "--quiet", "--initial-branch=main")
        git(dest, "config", "user.name", "pymc-mirror")
        git(dest, "config", "user.email", "pymc-mirror@localhost")
    tags = git(dest, "tag", "--list", "v*").split()
    have = {tag[1:] for tag in tags}
    newest = max(have, key=_key) if have else None
    for version in versions:
        if version in have:
            continue
        if newest and _key(version) < _key(newest):
            print(f"error: {version} is older than v{newest}, the newest release already in {dest}; "
                  f"rebuild from scratch (rm -rf {dest}) to insert it", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory() as work:
            add_release(dest, version, Path(work))
        newest = version
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
