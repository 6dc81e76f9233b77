"""Register this machine with asv under a stable, descriptive name, with every field filled in.

    python scripts/asv_machine.py NAME

`asv machine --yes --machine NAME` stores only the fields that differ from its own detection, so
the results' machine.json would lack the CPU, cores and OS; this writes them all.
"""

import sys

from asv.machine import Machine, MachineCollection

name = sys.argv[1]
fields = {**Machine.get_defaults(), "machine": name}
MachineCollection.save(name, fields)
print(", ".join(f"{key}={value}" for key, value in fields.items()))
