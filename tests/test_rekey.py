"""Rebuilding the PyMC mirror moves hashes: scripts/rekey_results.py keeps the results with their tags."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "rekey_results.py"


def _git(repo, *args):
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def _history(repo, releases):
    """A history with one empty commit per release, tagged vX; returns tag -> hash."""
    repo.mkdir()
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "config", "user.name", "t")
    _git(repo, "config", "user.email", "t@localhost")
    for release in releases:
        _git(repo, "commit", "--quiet", "--allow-empty", "-m", release)
        _git(repo, "tag", f"v{release}")
    return {f"v{r}": _git(repo, "rev-parse", f"v{r}") for r in releases}


def _rekey(mirror, tags, *folders):
    return subprocess.run([sys.executable, str(SCRIPT), str(mirror), "--tags", str(tags), *map(str, folders)],
                          capture_output=True, text=True)


def test_results_follow_their_tag_when_an_older_release_is_inserted(tmp_path):
    old = _history(tmp_path / "old", ["6.2.0", "6.4.0"])
    tags = tmp_path / "mirror-tags.json"
    tags.write_text(json.dumps({**old, "v6.3.0": "f" * 40}))  # a tag the new mirror lacks
    machine = tmp_path / "results" / "host-quick"
    machine.mkdir(parents=True)
    result = machine / f"{old['v6.4.0'][:8]}-env-abc.json"
    result.write_text(json.dumps({"commit_hash": old["v6.4.0"], "results": {}}))
    (machine / "versions.json").write_text(json.dumps({old["v6.2.0"]: {"env": {"pymc": "6.2.0"}}}))
    orphan = machine / f"{'f' * 8}-env-abc.json"
    orphan.write_text("{}")

    new = _history(tmp_path / "new", ["5.13.0", "6.2.0", "6.4.0"])  # hashes of 6.2.0 and 6.4.0 move
    assert new["v6.4.0"] != old["v6.4.0"]
    run = _rekey(tmp_path / "new", tags, tmp_path / "results", tmp_path / "absent")
    assert run.returncode == 0, run.stderr

    moved = machine / f"{new['v6.4.0'][:8]}-env-abc.json"
    assert not result.exists() and json.loads(moved.read_text())["commit_hash"] == new["v6.4.0"]
    assert list(json.loads((machine / "versions.json").read_text())) == [new["v6.2.0"]]
    assert orphan.exists() and "v6.3.0" in run.stderr and "lacks" in run.stderr  # named, not dropped
    assert json.loads(tags.read_text()) == {**new, "v6.3.0": "f" * 40}

    again = _rekey(tmp_path / "new", tags, tmp_path / "results")  # the record is current: nothing moves
    assert again.returncode == 0 and "re-keyed" not in again.stdout
    assert json.loads(moved.read_text())["commit_hash"] == new["v6.4.0"]
