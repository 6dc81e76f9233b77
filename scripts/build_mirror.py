"""Build a local git history of PyMC from its source distributions on PyPI (no GitHub here).

    python scripts/build_mirror.py DEST VERSION [VERSION ...]

One commit per release, oldest first, tagged ``vX.Y.Z`` and dated with the upstream commit date
that the sdist's versioneer file records (its upstream hash goes in the message). Re-running adds
only the releases not yet tagged; asking for one older than the newest there rebuilds the history
in order (release_history.append_releases), and make mirror then re-keys the committed results by
tag (scripts/rekey_results.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from release_history import append_releases, commit_release

VERSION_JSON = re.compile(r"version_json = '''\n(.*?)'''", re.DOTALL)


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


def add_release(dest: Path, version: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        _add_release(dest, version, Path(work))


def _add_release(dest: Path, version: str, work: Path) -> None:
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
    commit_release(dest, version, info["date"], f"pymc {version} (upstream {info['full-revisionid']})")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    return append_releases(Path(argv[0]), argv[1:], "pymc-mirror", add_release)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
