"""Which package versions each commit ran with, and why a run gave no number, kept beside asv's results.

asv records the matrix (the pinned backends) but not what each commit's own requirements pulled in
(PyTensor, numba, ArviZ), and of a skipped or failed benchmark only that it gave no number. The suite's
run records hold both; this copies them into results/<machine>/versions.json and reasons.json, so the
report, the dashboard and the guidance can label every point with its versions and every gap with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from asv.results import get_filename


def run_records(records: Path, tier: str, machine_dir: Path):
    """(commit, environment, "case--backend", record) of each run record of one tier that this machine has asv
    results for (asv's own file naming)."""
    for record_path in sorted(records.glob(f"*/*/{tier}/*.json")):
        commit, env = record_path.parts[-4], record_path.parts[-3]
        if (machine_dir.parent / get_filename(machine_dir.name, commit, env)).exists():
            yield commit, env, record_path.stem, json.loads(record_path.read_text())


def collect(records: Path, tier: str, machine_dir: Path) -> dict:
    """Merge the versions in the run records of one tier into machine_dir/versions.json."""
    path = machine_dir / "versions.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    for commit, env, _, record in run_records(records, tier, machine_dir):
        if record.get("versions"):
            known.setdefault(commit, {})[env] = record["versions"]
    machine_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    return known


def collect_reasons(records: Path, tier: str, machine_dir: Path) -> dict:
    """Merge why each skipped or failed sampling run of one tier gave no number (the first line of the record's
    reason) into machine_dir/reasons.json: commit -> environment -> "case--backend" -> {"skipped"|"failed": ...}."""
    path = machine_dir / "reasons.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    for commit, env, pair, record in run_records(records, tier, machine_dir):
        outcome = next(((name, record[key]) for key, name in (("skipped", "skipped"), ("failure", "failed"))
                        if key in record), None)
        if "started" in record and "metrics" not in record:  # the marker a run that never finished leaves
            outcome = ("failed", f"did not finish: killed at the {record['started']['timeout']:g} s timeout or crashed")
        if outcome:
            reason = str(outcome[1]).strip().splitlines()[0]
            known.setdefault(commit, {}).setdefault(env, {})[pair] = {outcome[0]: reason}
    if known:
        path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    return known


def load_reasons(results_dir: Path, machine: str) -> dict[str, dict]:
    """commit -> "case--backend" -> {"skipped"|"failed": reason}, from one machine's reasons.json (each commit's
    first environment, if several)."""
    path = Path(results_dir) / machine / "reasons.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    return {commit: next(iter(envs.values())) for commit, envs in known.items()}


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
    reasons = collect_reasons(Path(args.records), args.tier, Path(args.results) / args.machine)
    print(f"{Path(args.results) / args.machine / 'versions.json'}: {len(known)} commits; reasons.json: why runs of "
          f"{len(reasons)} commits gave no number")
    return 0


def add_arguments(parser) -> None:
    from benchmarks.common import RECORD_ROOT  # where the suite writes its run records

    parser.add_argument("--records", default=str(RECORD_ROOT))
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", required=True)
    parser.add_argument("--tier", required=True)
