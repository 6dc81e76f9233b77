"""Add the review's control commits to the local PyMC mirror, each a child of one release.

    python scripts/inject_changes.py MIRROR [BASE_TAG]   (BASE_TAG: the newest v* tag by default)

Tags, none on main (asv's ALL stays the releases):
- ``aa``:            no change at all (an empty commit): an A/A compare must flag nothing;
- ``inject-slow``:   a 10 ms delay in every logp+gradient call of PyMC's own samplers (the leapfrog
                     integrator's, which sidesteps ValueGradFunction.__call__, and that call's): a slowdown;
- ``inject-adapt``:  NUTS's default step-size adaptation target 0.8 -> 0.7: the sampler behaves
                     differently (ESS, gradient evaluations) without being slower;
- ``inject-grad10``, ``inject-grad5``: every 10th (20th) logp+gradient call of PyMC's samplers
                     evaluates twice: the evaluation 10 % (5 %) slower, the draws unchanged;
- ``inject-step10``, ``inject-step5``: each leapfrog step spins for 10 % (5 %) of its own time
                     afterwards: the sampler's own work slower, the gradient not;
- ``inject-wrong``:  the leapfrog integrator sees logp + 3 sum(q) (a tilt): a wrong posterior.
Commit dates are fixed, so the hashes are the same on every machine. Re-running rebuilds the
commits and moves a tag only if its commit changed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from release_history import git, version_key

SLOW_FILE = "pymc/model/core.py"
SLOW_FROM = "        return self._pytensor_function(*grad_vars)\n"
SLOW_TO = ("        import time  # injected by scripts/inject_changes.py: a deliberate slowdown\n\n"
           "        time.sleep(0.01)\n" + SLOW_FROM)
LEAPFROG_FILE = "pymc/step_methods/hmc/integration.py"
LEAPFROG_FROM = "            def func(q, _):\n                return pytensor_function(q)\n"
LEAPFROG_TO = ("            def func(q, _):\n                import time  # injected by scripts/inject_changes.py\n\n"
               "                time.sleep(0.01)\n                return pytensor_function(q)\n")


def _evaluated_twice_every(period: int) -> list:
    """Every `period`-th logp+gradient call evaluates twice, in both places PyMC's NUTS calls it."""
    note = f"# injected by scripts/inject_changes.py: every {period}th call evaluates twice"
    call = ("        self._injected_calls = getattr(self, \"_injected_calls\", 0) + 1  " + note + "\n"
            f"        if self._injected_calls % {period} == 0:\n"
            "            self._pytensor_function(*grad_vars)\n" + SLOW_FROM)
    leapfrog = ("            calls = [0]\n\n"
                "            def func(q, _):\n"
                "                calls[0] += 1  " + note + "\n"
                f"                if calls[0] % {period} == 0:\n"
                "                    pytensor_function(q)\n"
                "                return pytensor_function(q)\n")
    return [(SLOW_FILE, SLOW_FROM, call), (LEAPFROG_FILE, LEAPFROG_FROM, leapfrog)]


STEP_FROM = "        try:\n            return self._step(epsilon, state)\n"


def _step_costs(fraction: float) -> list:
    """Each leapfrog step busy-waits for `fraction` of its own duration: the sampler's work, not the gradient's."""
    step = ("        import time  # injected by scripts/inject_changes.py: a cost per leapfrog step\n\n"
            "        try:\n"
            "            started = time.perf_counter()\n"
            "            new_state = self._step(epsilon, state)\n"
            f"            until = time.perf_counter() + {fraction} * (time.perf_counter() - started)\n"
            "            while time.perf_counter() < until:\n"
            "                pass\n"
            "            return new_state\n")
    return [(LEAPFROG_FILE, STEP_FROM, step)]


TILTED_LEAPFROG = ("            def func(q, _):\n"
                   "                # injected by scripts/inject_changes.py: a tilted logp, the wrong posterior\n"
                   "                logp, grad = pytensor_function(q)\n"
                   "                return logp + 3.0 * q.sum(), grad + 3.0\n")

ADAPT_FILE = "pymc/step_methods/hmc/base_hmc.py"
ADAPT_FROM = "        target_accept=0.8,\n"
ADAPT_TO = "        target_accept=0.7,  # injected by scripts/inject_changes.py: a behaviour change\n"

CHANGES = {
    "aa": ("A/A control: no change", []),
    "inject-slow": ("Injected slowdown: 10 ms per logp+gradient call",
                    [(SLOW_FILE, SLOW_FROM, SLOW_TO), (LEAPFROG_FILE, LEAPFROG_FROM, LEAPFROG_TO)]),
    "inject-adapt": ("Injected behaviour change: NUTS target_accept 0.8 -> 0.7", [(ADAPT_FILE, ADAPT_FROM, ADAPT_TO)]),
    "inject-grad10": ("Injected slowdown: every 10th logp+gradient call evaluates twice", _evaluated_twice_every(10)),
    "inject-grad5": ("Injected slowdown: every 20th logp+gradient call evaluates twice", _evaluated_twice_every(20)),
    "inject-step10": ("Injected slowdown: each leapfrog step spins 10 % of its time", _step_costs(0.10)),
    "inject-step5": ("Injected slowdown: each leapfrog step spins 5 % of its time", _step_costs(0.05)),
    "inject-wrong": ("Injected wrong posterior: the integrator samples logp + 3 sum(q)",
                     [(LEAPFROG_FILE, LEAPFROG_FROM, TILTED_LEAPFROG)]),
}


def newest_release(mirror: Path) -> str:
    tags = git(mirror, "tag", "--list", "v*").split()
    if not tags:
        raise SystemExit(f"{mirror} has no release tags: run make mirror first")
    return max(tags, key=version_key)


def add_change(mirror: Path, base: str, tag: str, message: str, edits: list) -> str:
    """Commit the edits on top of base (a detached worktree: main and its checkout stay as they are)."""
    scratch = tempfile.TemporaryDirectory()
    worktree = Path(scratch.name) / tag
    git(mirror, "worktree", "add", "--quiet", "--detach", str(worktree), base)
    try:
        for path, old, new in edits:
            file = worktree / path
            text = file.read_text()
            if text.count(old) != 1:
                raise SystemExit(f"{base}:{path}: expected the line {old.strip()!r} once, found it "
                                 f"{text.count(old)} times; this change is written for PyMC 6.4")
            file.write_text(text.replace(old, new))
        date = git(mirror, "log", "-1", "--format=%cI", base)
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        git(worktree, "commit", "--quiet", "--allow-empty", "--all", "-m", f"{message} (on {base})", env=env)
        return git(worktree, "rev-parse", "HEAD")
    finally:
        git(mirror, "worktree", "remove", "--force", str(worktree))
        scratch.cleanup()


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    mirror = Path(argv[0])
    base = argv[1] if len(argv) == 2 else newest_release(mirror)
    existing = set(git(mirror, "tag", "--list").split())
    for tag, (message, edits) in CHANGES.items():
        commit = add_change(mirror, base, tag, message, edits)
        if tag in existing and git(mirror, "rev-parse", tag + "^{commit}") == commit:
            print(f"{tag}: {commit} on {base} (unchanged)")
            continue
        git(mirror, "tag", "--force", tag, commit)
        print(f"{tag}: {commit} on {base}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
