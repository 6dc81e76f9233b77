"""Build a git history of nutpie releases for asv: one commit per release, each pinning its wheel.

    python scripts/build_nutpie_history.py DEST VERSION [VERSION ...]

nutpie is Rust: building its commits needs a toolchain and crates.io, which these machines lack.
Each commit here is a tiny package, ``nutpie-release``, whose one dependency is ``nutpie==X``, so
asv installs nutpie X's wheel from PyPI at that commit. Commits are dated with the release's PyPI
upload time and tagged ``vX``, so the dashboard's x-axis is nutpie's release history. Re-running
adds only releases not yet tagged, in order.
"""

from __future__ import annotations

import sys
from pathlib import Path

from release_history import append_releases, commit_release, pypi_upload_times, version_key

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


def add_release(dest: Path, version: str) -> None:
    released = pypi_upload_times("nutpie")
    if version not in released:
        raise SystemExit(f"nutpie {version} is not on PyPI; releases: {', '.join(sorted(released, key=version_key))}")
    (dest / "pyproject.toml").write_text(PYPROJECT.format(version=version))
    commit_release(dest, version, released[version], f"nutpie {version} (PyPI)")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    return append_releases(Path(argv[0]), argv[1:], "nutpie-releases", add_release)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
