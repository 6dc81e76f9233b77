"""Write asv.mirror.conf.json: asv.conf.json with ``repo`` pointed at the local PyMC mirror."""

import json
import sys

from asv.util import load_json  # asv's own reader: asv.conf.json carries // comments

MIRROR = ".asv/pymc-mirror"

config = load_json("asv.conf.json", js_comments=True)
config["repo"] = MIRROR
with open("asv.mirror.conf.json", "w") as out:
    json.dump(config, out, indent=4)
    out.write("\n")
print(f"asv.mirror.conf.json: repo = {MIRROR}", file=sys.stderr)
