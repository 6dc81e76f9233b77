"""Write an asv config derived from asv.conf.json: another PyMC history, or another results folder.

    python scripts/asv_config.py OUT [--repo REPO] [--results DIR] [--html DIR]

--repo points asv at a local PyMC history (`make mirror`'s .asv/pymc-mirror, or a PyMC clone).
--results and --html give the full tier its own results and dashboard: asv keeps one
benchmarks.json per results folder, listing the benchmarks of the tier run last, and the full
tier's (every size, cold compiles) are not the quick tier's.
"""

import argparse
import json
import sys

from asv.util import load_json  # asv's own reader: asv.conf.json carries // comments

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out", help="the config file to write")
parser.add_argument("--repo", help="the PyMC history asv runs (asv.conf.json's GitHub URL if not given)")
parser.add_argument("--results", help="results_dir")
parser.add_argument("--html", help="html_dir")
args = parser.parse_args()

config = load_json("asv.conf.json", js_comments=True)
changes = {key: value for key, value in
           {"repo": args.repo, "results_dir": args.results, "html_dir": args.html}.items() if value}
config.update(changes)
with open(args.out, "w") as out:
    json.dump(config, out, indent=4)
    out.write("\n")
print(f"{args.out}: " + ", ".join(f"{key} = {value}" for key, value in changes.items()), file=sys.stderr)
