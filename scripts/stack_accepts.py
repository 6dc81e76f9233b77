"""Which PyMC releases today's stack accepts: how far back the series with today's backends can reach.

    python scripts/stack_accepts.py VERSION [VERSION ...]

For each release, pip resolves (without installing) PyMC X together with asv.conf.json's pinned
backends under asv_constraints.txt, as asv's install_command would; a release whose requirements
conflict with today's pins is not accepted, and pip's reason is printed. Exit 0 either way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from asv.util import load_json

ROOT = Path(__file__).resolve().parent.parent


def today_pins() -> list[str]:
    requirements = load_json(str(ROOT / "asv.conf.json"), js_comments=True)["matrix"]["req"]
    return [f"{name}=={versions[0]}" for name, versions in requirements.items() if versions and versions[0]]


def accepts(version: str) -> tuple[bool, str]:
    run = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--constraint", str(ROOT / "asv_constraints.txt"), f"pymc=={version}", *today_pins()],
        capture_output=True, text=True)
    conflicts = [line.strip() for line in run.stderr.splitlines() if " depends on " in line]
    last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    return run.returncode == 0, "; ".join(conflicts) or last


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for version in argv:
        ok, why = accepts(version)
        print(f"pymc {version}: {'accepted' if ok else 'not accepted: ' + why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
