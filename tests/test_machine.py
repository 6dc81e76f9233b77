"""asv's machine name: hosts with another CPU model get their own results folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make_variable(name, *overrides):
    printed = subprocess.run(["make", "-np", *overrides], capture_output=True, text=True, cwd=ROOT).stdout
    return next(line.split(":=", 1)[1].strip() for line in printed.splitlines() if line.startswith(f"{name} :="))


@pytest.mark.parametrize("model, slug", [
    ("AMD EPYC", "amd-epyc"),
    ("Intel(R) Xeon(R) Processor", "intel-xeon"),
    ("Intel(R) Xeon(R) CPU E5-2690 v4 @ 2.60GHz", "intel-xeon-e5-2690-v4"),
    ("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", "intel-core-i7-8700"),
])
def test_cpu_model_is_part_of_the_machine_name(model, slug):
    assert _make_variable("CPU_SLUG", f"CPU_MODEL={model}") == slug
    assert _make_variable("HARDWARE", f"CPU_MODEL={model}").endswith(f"GB-{slug}")


def test_committed_results_name_their_cpu():
    for machine_json in ROOT.glob("results*/*/machine.json"):
        recorded = json.loads(machine_json.read_text())
        slug = _make_variable("CPU_SLUG", f"CPU_MODEL={recorded['cpu']}")
        assert f"-{slug}-" in machine_json.parent.name, machine_json


def test_a_name_that_holds_another_cpu_is_refused(tmp_path):
    name = "x86_64-2cpu-24GB-other-quick"
    (tmp_path / name).mkdir()
    (tmp_path / name / "machine.json").write_text(json.dumps({"cpu": "Some Other CPU 9000", "machine": name}))
    refused = subprocess.run([sys.executable, str(ROOT / "scripts" / "asv_machine.py"), name, "--results",
                              str(tmp_path)], capture_output=True, text=True)
    assert refused.returncode == 1
    assert "records CPU 'Some Other CPU 9000'" in refused.stderr


def test_the_cpu_count_is_the_machines_not_a_thread_setting(monkeypatch):
    # GNU nproc answers OMP_NUM_THREADS, which the harness sets to 1: the name must not follow it
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert f"-{os.cpu_count()}cpu-" in _make_variable("HARDWARE")
