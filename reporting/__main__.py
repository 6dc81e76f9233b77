"""Command line: ``python -m reporting summary|report|versions|compare|plan|noise|durations|findings|paired-history|scaling|guidance|zoo|vendor|landing``."""

import argparse
import sys

from reporting import (compare, durations, findings, guidance, landing, noise, paired_history, plan, report, scaling,
                       summary, vendor, versions, zoo)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reporting", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, module, help_text in [
        ("summary", summary, "print the notebook's table for one commit"),
        ("report", report, "write tables and figures per model, the heatmap and a history plot"),
        ("versions", versions, "copy the package versions of each commit's runs into results/"),
        ("compare", compare, "markdown review of BASE vs HEAD; exit 1 if anything got worse"),
        ("plan", plan, "choose a review's benchmarks and rounds by measured noise per second"),
        ("noise", noise, "the A/A spread of one commit measured twice, and the thresholds it sets"),
        ("durations", durations, "minutes per phase of every committed run, into docs/tiers-and-history.md"),
        ("findings", findings, "steps across releases: change points in every history series, tested"),
        ("paired-history", paired_history, "neighbouring releases measured as duets, into docs/paired-history.md"),
        ("scaling", scaling, "cost against model size per backend (seconds ∝ N^k), into docs/scaling.md"),
        ("guidance", guidance, "which backend for which model: ranking, compile, break-even, into docs/guidance.md"),
        ("zoo", zoo, "the model zoo's table, from models/, into README.md"),
        ("vendor", vendor, "serve an asv dashboard's CDN scripts from local copies (offline dashboards)"),
        ("landing", landing, "write html/index.html: dashboards and the newest report"),
    ]:
        sub = commands.add_parser(name, help=help_text)
        module.add_arguments(sub)
        sub.set_defaults(run=module.main)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SystemExit as error:
        if not isinstance(error.code, str):
            raise
        # a message is what the reporting modules raise for input they cannot use: a usage error
        print(f"error: {error.code}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
