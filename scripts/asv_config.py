"""Write an asv config derived from asv.conf.json: another PyMC history, or another results folder.

    python scripts/asv_config.py OUT [--repo REPO] [--results DIR] [--html DIR] [--stack release-day]

--repo points asv at a local PyMC history (`make mirror`'s .asv/pymc-mirror, or a PyMC clone).
--results and --html give the full tier its own results and dashboard: asv keeps one
benchmarks.json per results folder, listing the benchmarks of the tier run last, and the full
tier's (every size, cold compiles) are not the quick tier's.
--stack release-day: each commit with the packages of its PyMC release's day (scripts/install_as_of.py)
instead of today's pinned backends; its own environment (PMB_STACK in its name), so its results sit
beside today's stack's in the same folder, as another line of each graph.
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
parser.add_argument("--stack", choices=["today", "release-day"], default="today")
args = parser.parse_args()

config = load_json("asv.conf.json", js_comments=True)
changes = {key: value for key, value in
           {"repo": args.repo, "results_dir": args.results, "html_dir": args.html}.items() if value}
config.update(changes)
if args.stack == "release-day":
    matrix = config["matrix"]
    # psutil is the harness's meter and torch a CUDA wheel of hundreds of MB a version: held as today's
    matrix["req"] = {name: matrix["req"][name] for name in ("torch", "psutil")}
    matrix["env_nobuild"]["PMB_STACK"] = ["release-day"]
    config["install_command"] = ["in-dir={env_dir} python {conf_dir}/scripts/install_as_of.py {wheel_file} "
                                 "--record {env_dir}/as-of.json"]
    changes["stack"] = "release-day"
with open(args.out, "w") as out:
    json.dump(config, out, indent=4)
    out.write("\n")
print(f"{args.out}: " + ", ".join(f"{key} = {value}" for key, value in changes.items()), file=sys.stderr)
