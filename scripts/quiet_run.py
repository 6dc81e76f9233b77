"""Run asv with its whole output in a log file and, on screen, the progress and one line per failure.

    python scripts/quiet_run.py LOG -- COMMAND [ARGS...]

asv run --show-stderr prints every benchmark's stderr: on a fresh `make bench` about 7,000 lines,
most of them PyTorch compiler tracebacks of the cases that fail. Here the screen gets asv's own
progress lines (one per commit, environment and benchmark, with its result or "k/n failed") and,
for each failed parameter combination, one line: its parameters and the last line of its error.
Skips (a backend missing, a model it cannot run) are results, counted on the benchmark's line.
Everything goes to LOG, named first and last. The exit status is the command's.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROGRESS = re.compile(r"^\[\s*[\d.]+%\] ·{1,3} (?!=)")
PARAMETERS = re.compile(r"^\s*(?:\[\s*[\d.]+%\] ·+ )?For parameters: (.*)$")
FAILED_ROW = re.compile(r"^\s+(\S.*?)\s+failed\s*$")
ERROR_LINE = re.compile(r"^\s*(asv: benchmark timed out.*|[\w.]*(?:Error|Exception|Exit|Interrupt)\b.*)$")


class Screen:
    """Reads asv's output line by line and says what the screen shows."""

    def __init__(self):
        self.failed_rows: set[str] = set()  # "a b" rows of the current benchmark's table, failed
        self.block: list[str] | None = None  # the stderr of one parameter combination
        self.block_params = ""
        self.reported: set[str] = set()  # asv prints a combination's stderr more than once

    def feed(self, line: str) -> list[str]:
        line = line.rstrip("\n")
        shown = []
        parameters = PARAMETERS.match(line)
        if PROGRESS.match(line) or parameters:
            shown += self._close_block()
        if parameters:
            self.block, self.block_params = [], parameters.group(1)
        elif PROGRESS.match(line):
            self.failed_rows, self.reported = set(), set()
            shown.append(line.rstrip())
            if line.rstrip().endswith(" failed") and "/" not in line.rsplit(None, 2)[-2]:
                self.block, self.block_params = [], ""  # a benchmark without parameters failed
        elif self.block is not None:
            self.block.append(line)
        else:
            row = FAILED_ROW.match(line)
            if row:
                self.failed_rows.add(" ".join(row.group(1).split()))
        return shown

    def close(self) -> list[str]:
        return self._close_block()

    def _close_block(self) -> list[str]:
        block, params = self.block, self.block_params
        self.block = None
        if block is None or any("asv: skipped:" in line for line in block):
            return []
        key = " ".join(value.strip().strip("'\"") for value in params.split(","))
        if (params and key not in self.failed_rows) or key in self.reported:
            return []  # the stderr of a combination that succeeded (warnings, sampler chatter), or again
        self.reported.add(key)
        errors = [line.strip() for line in block if ERROR_LINE.match(line)]
        reason = errors[-1] if errors else next((line.strip() for line in reversed(block) if line.strip()), "")
        return [f"    failed{' ' + params if params else ''}: {reason[:240]}"]


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: quiet_run.py LOG -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    log_path = Path(argv[0])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"full output (tracebacks included): {log_path}", flush=True)
    screen = Screen()
    with open(log_path, "w") as log, subprocess.Popen(
            argv[2:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace") as process:
        for line in process.stdout:
            log.write(line)
            log.flush()
            for shown in screen.feed(line):
                print(shown, flush=True)
        for shown in screen.close():
            print(shown, flush=True)
    print(f"full output: {log_path}", flush=True)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
