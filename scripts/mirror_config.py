"""Write asv.mirror.conf.json: asv.conf.json with ``repo`` pointed at a local PyMC history.

    python scripts/mirror_config.py [REPO]   (REPO: .asv/pymc-mirror by default, or a PyMC clone)
"""

import json
import sys

from asv.util import load_json  # asv's own reader: asv.conf.json carries // comments

MIRROR = ".asv/pymc-mirror"

config = load_json("asv.conf.json", js_comments=True)
repo = sys.argv[1] if len(sys.argv) > 1 else MIRROR
config["repo"] = repo
with open("asv.mirror.conf.json", "w") as out:
    json.dump(config, out, indent=4)
    out.write("\n")
print(f"asv.mirror.conf.json: repo = {repo}", file=sys.stderr)
