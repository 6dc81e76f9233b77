"""Add the review's control commits to the local PyMC mirror, each a child of one release.

    python scripts/inject_changes.py MIRROR [BASE_TAG]   (BASE_TAG: the newest v* tag by default)

Tags, none on main (asv's ALL stays the releases):
- ``aa``:            no change at all (an empty commit): an A/A compare must flag nothing;
- ``inject-slow``:   a 10 ms delay in every logp+gradient call of PyMC's own samplers (the leapfrog
                     integrator's, which sidesteps ValueGradFunction.__call__, and that call's): a slowdown;
- ``inject-adapt``:  NUTS's default step-size adaptation target 0.8 -> 0.7: the sampler behaves
                     differently (ESS, gradient evaluations) without being slower.
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
ADAPT_FILE = "pymc/step_methods/hmc/base_hmc.py"
ADAPT_FROM = "        target_accept=0.8,\n"
ADAPT_TO = "        target_accept=0.7,  # injected by scripts/inject_changes.py: a behaviour change\n"

CHANGES = {
    "aa": ("A/A control: no change", []),
    "inject-slow": ("Injected slowdown: 10 ms per logp+gradient call",
                    [(SLOW_FILE, SLOW_FROM, SLOW_TO), (LEAPFROG_FILE, LEAPFROG_FROM, LEAPFROG_TO)]),
    "inject-adapt": ("Injected behaviour change: NUTS target_accept 0.8 -> 0.7", [(ADAPT_FILE, ADAPT_FROM, ADAPT_TO)]),
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
