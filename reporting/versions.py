"""Which package versions each commit ran with, kept beside asv's results.

asv records the matrix (the pinned backends) but not what each commit's own requirements pulled in
(PyTensor, numba, ArviZ). The suite's run records hold them; this copies them into
results/<machine>/versions.json, so the report and dashboard can label every point with them.
"""

from __future__ import annotations

import json
from pathlib import Path

from asv.results import get_filename

def collect(records: Path, tier: str, machine_dir: Path) -> dict:
    """Merge the versions in the run records of one tier into machine_dir/versions.json."""
    path = machine_dir / "versions.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    for record_path in sorted(records.glob(f"*/*/{tier}/*.json")):
        commit, env = record_path.parts[-4], record_path.parts[-3]
        versions = json.loads(record_path.read_text()).get("versions")
        # only runs this machine has asv results for (asv's own file naming)
        result_file = machine_dir.parent / get_filename(machine_dir.name, commit, env)
        if versions and result_file.exists():
            known.setdefault(commit, {})[env] = versions
    machine_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    return known


def load(results_dir: Path) -> dict[str, dict]:
    """commit -> versions, from every machine's versions.json (the first environment's, if several)."""
    found = {}
    for path in sorted(Path(results_dir).glob("*/versions.json")):
        for commit, envs in json.loads(path.read_text()).items():
            found.setdefault(commit, next(iter(envs.values())))
    return found


def listed(known: dict[str, str]) -> str:
    """'arviz 1.3.0, jax 0.12.0.1, ...': one commit's packages in one line."""
    return ", ".join(f"{package} {version}" for package, version in sorted(known.items()))


def label(commit: str, versions: dict[str, dict]) -> str:
    """'pymc 6.4.0' where the versions are known, else the short hash."""
    known = versions.get(commit, {})
    return f"pymc {known['pymc']}" if "pymc" in known else commit[:8]


def main(args) -> int:
    known = collect(Path(args.records), args.tier, Path(args.results) / args.machine)
    print(f"{Path(args.results) / args.machine / 'versions.json'}: {len(known)} commits")
    return 0


def add_arguments(parser) -> None:
    from benchmarks.common import RECORD_ROOT  # where the suite writes its run records

    parser.add_argument("--records", default=str(RECORD_ROOT))
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", required=True)
    parser.add_argument("--tier", required=True)
