"""Register this machine with asv under a stable, descriptive name, with every field filled in.

    python scripts/asv_machine.py NAME [--results DIR ...]

`asv machine --yes --machine NAME` stores only the fields that differ from its own detection, so
the results' machine.json would lack the CPU, cores and OS; this writes them all. With --results,
a NAME whose results folder holds another CPU's results is refused: asv would file this host's
numbers beside them, and its graphs would show the change of host as a change of PyMC.
"""

import argparse
import json
import sys
from pathlib import Path

from asv.machine import Machine, MachineCollection


def other_cpu(name: str, cpu: str, results_dirs: list[Path]) -> tuple[Path, str] | None:
    """The first recorded machine.json for NAME whose CPU is not this one's, as (path, its CPU)."""
    for results in results_dirs:
        recorded = results / name / "machine.json"
        if recorded.exists():
            recorded_cpu = json.loads(recorded.read_text()).get("cpu", "")
            if recorded_cpu != cpu:
                return recorded, recorded_cpu
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--results", type=Path, nargs="*", default=[], help="results folders to check")
    args = parser.parse_args()
    fields = {**Machine.get_defaults(), "machine": args.name}
    clash = other_cpu(args.name, fields["cpu"], args.results)
    if clash:
        path, recorded_cpu = clash
        sys.exit(f"error: {path} records CPU {recorded_cpu!r}, this host is {fields['cpu']!r}; "
                 f"choose another name, e.g. MACHINE={args.name}-2, so their results stay apart")
    MachineCollection.save(args.name, fields)
    print(", ".join(f"{key}={value}" for key, value in fields.items()))


if __name__ == "__main__":
    main()
