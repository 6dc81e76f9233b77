"""Make an asv dashboard work offline: its CDN scripts and styles, copied from npm and linked locally.

asv's index.html loads jQuery, flot, bootstrap... from code.jquery.com, cdnjs and jsdelivr; a
machine (or a reader) without those hosts gets a page with no graphs. package.json pins the same
releases (stupidtable: 1.1.3, the one release on npm, for cdnjs's 1.0.1).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

# asv's URL -> (file in node_modules, where it goes under <dashboard>/vendor)
ASSETS = {
    "https://code.jquery.com/jquery-3.3.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.min.js": "flot/jquery.flot.js",
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.time.min.js": "flot/jquery.flot.time.js",
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.selection.min.js": "flot/jquery.flot.selection.js",
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.categories.min.js":
        "flot/jquery.flot.categories.js",
    "https://cdn.jsdelivr.net/npm/flot-orderbars@1.0.0/js/jquery.flot.orderBars.js":
        "flot-orderbars/js/jquery.flot.orderBars.js",
    "https://cdnjs.cloudflare.com/ajax/libs/stupidtable/1.0.1/stupidtable.min.js": "stupid-table-plugin/stupidtable.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/blueimp-md5/2.19.0/js/md5.min.js": "blueimp-md5/js/md5.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
}
EXTRA_DIRECTORIES = ["bootstrap/dist/fonts"]  # bootstrap.min.css loads ../fonts/
EXTERNAL = re.compile(r'(?:src|href)="(https://[^"]+\.(?:js|css))"')
# asv pins the CDN files by hash; npm ships some unminified, and a local copy needs no pin.
INTEGRITY = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')


def vendor(dashboard: Path, node_modules: Path) -> list[str]:
    """Copy the assets into dashboard/vendor and point index.html at them; returns the URLs replaced."""
    index = dashboard / "index.html"
    page = index.read_text()
    found = EXTERNAL.findall(page)
    unknown = sorted(set(found) - set(ASSETS))
    if unknown:
        raise SystemExit(f"{index} loads assets this project does not vendor: {', '.join(unknown)}; "
                         "add them to reporting/vendor.py and package.json")
    for url in found:
        source = node_modules / ASSETS[url]
        if not source.exists():
            raise SystemExit(f"{source} is missing: run `npm ci` (make does it)")
        target = dashboard / "vendor" / ASSETS[url]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        page = re.sub(rf'<[^>]*"{re.escape(url)}"[^>]*>',
                      lambda tag: INTEGRITY.sub("", tag.group(0)).replace(url, f"vendor/{ASSETS[url]}"), page)
    for directory in EXTRA_DIRECTORIES:
        shutil.copytree(node_modules / directory, dashboard / "vendor" / directory, dirs_exist_ok=True)
    index.write_text(page)
    return found


def main(args) -> int:
    replaced = vendor(Path(args.dashboard), Path(args.node_modules))
    print(f"{args.dashboard}: {len(replaced)} CDN assets now served from vendor/")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("dashboard", help="an asv html directory, e.g. html/pymc")
    parser.add_argument("--node-modules", default="node_modules")
