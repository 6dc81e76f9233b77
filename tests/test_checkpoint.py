"""asv_plugins.checkpoint: kill -9 asv at three points of one commit's run; each rerun resumes it.

A small suite of its own (a parametrized and a plain tracked benchmark, a timed one), run by the
real asv in the existing environment, so that the kills land at known points: each benchmark
notes its start in a log, and the test kills asv's process group while that benchmark sleeps.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from asv_plugins.checkpoint import JOURNAL_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
MACHINE = "checkpoint-test"

SUITE = '''
import os
import time

def _note(what):
    with open(os.environ["CHECKPOINT_TEST_LOG"], "a") as log:
        log.write(what + "\\n")

class Grid:
    params = [[0, 1, 2, 3, 4]]
    param_names = ["i"]
    def track_value(self, i):
        _note(f"grid {i}")
        time.sleep(1.0)
        return i * 10

class Timed:
    params = [[0, 1, 2]]
    param_names = ["i"]
    number = 1
    repeat = 3
    rounds = 1
    warmup_time = 0
    def setup(self, i):
        _note(f"timed {i}")
        time.sleep(0.4)
    def time_sleep(self, i):
        time.sleep(0.001 * (i + 1))

def track_single():
    _note("single")
    time.sleep(1.0)
    return 7
'''


def _project(tmp_path):
    project = tmp_path / "project"
    (project / "benchmarks").mkdir(parents=True)
    (project / "benchmarks" / "__init__.py").write_text("")
    (project / "benchmarks" / "bench.py").write_text(textwrap.dedent(SUITE))
    conf = {"version": 1, "project": "checkpoint-test", "repo": ".", "branches": ["main"],
            "environment_type": "existing", "benchmark_dir": "benchmarks", "results_dir": "results",
            "html_dir": "html", "plugins": [".asv_plugins.checkpoint"]}
    (project / "asv.conf.json").write_text(json.dumps(conf))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "suite"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    return project, commit


def _environ(tmp_path):
    return {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
            "CHECKPOINT_TEST_LOG": str(tmp_path / "started.log")}


def _asv_run(project, commit, environ):
    return [sys.executable, "-m", "asv", "run", "--machine", MACHINE, "-E", f"existing:{sys.executable}",
            "--set-commit-hash", commit, "--show-stderr"], dict(cwd=project, env=environ)


def _started(tmp_path):
    path = tmp_path / "started.log"
    return path.read_text().splitlines() if path.exists() else []


def _kill_when_started(tmp_path, project, commit, environ, what):
    """Run asv until the benchmark `what` has started, then kill -9 its whole process group."""
    command, options = _asv_run(project, commit, environ)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, **options)
    deadline = time.monotonic() + 240
    while what not in _started(tmp_path):
        assert process.poll() is None, f"asv ended before {what!r} started"
        assert time.monotonic() < deadline, f"{what!r} never started"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _results(project, commit):
    [path] = (project / "results" / MACHINE).glob(f"{commit[:8]}-*.json")
    return path, json.loads(path.read_text())


def _column(data, name, column):
    return data["results"][name][data["result_columns"].index(column)]


def test_three_kills_lose_only_the_running_measurement(tmp_path):
    project, commit = _project(tmp_path)
    environ = _environ(tmp_path)
    machine = subprocess.run([sys.executable, "-m", "asv", "machine", "--yes", "--machine", MACHINE],
                             cwd=project, env=environ, capture_output=True, text=True)
    assert machine.returncode == 0, machine.stderr

    # 1: inside the parametrized Grid, its first combination done
    _kill_when_started(tmp_path, project, commit, environ, "grid 1")
    path, data = _results(project, commit)
    assert _column(data, "bench.Grid.track_value", "result")[0] == 0
    journal = json.loads(Path(f"{path}{JOURNAL_SUFFIX}").read_text())
    assert journal["unfinished"]["bench.Grid.track_value"]["done"] == [0]

    # 2: inside Timed, Grid finished in the resumed run
    _kill_when_started(tmp_path, project, commit, environ, "timed 1")
    _, data = _results(project, commit)
    assert _column(data, "bench.Grid.track_value", "result") == [0, 10, 20, 30, 40]
    assert _column(data, "bench.Timed.time_sleep", "result")[0] > 0

    # 3: inside the plain benchmark, the last one
    _kill_when_started(tmp_path, project, commit, environ, "single")

    command, options = _asv_run(project, commit, environ)
    finished = subprocess.run(command, capture_output=True, text=True, timeout=240, **options)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Resuming the interrupted run" in finished.stdout

    path, data = _results(project, commit)
    assert _column(data, "bench.Grid.track_value", "result") == [0, 10, 20, 30, 40]
    assert _column(data, "bench.track_single", "result") == [7]
    timed = _column(data, "bench.Timed.time_sleep", "result")
    assert all(value > 0 for value in timed)
    # the combination measured before the second kill kept asv's statistics, from its samples
    assert all(low is not None for low in _column(data, "bench.Timed.time_sleep", "stats_ci_99_a"))
    assert not Path(f"{path}{JOURNAL_SUFFIX}").exists()
    assert not list(path.parent.glob(".saving-*"))

    # Measured once each, but for the one running at each kill, measured again after it.
    starts = Counter(line for line in _started(tmp_path) if not line.startswith("timed"))
    assert starts == {"grid 0": 1, "grid 1": 2, "grid 2": 1, "grid 3": 1, "grid 4": 1, "single": 2}
    timed_setups = Counter(line for line in _started(tmp_path) if line.startswith("timed"))
    assert set(timed_setups) == {"timed 0", "timed 1", "timed 2"}
    assert timed_setups["timed 0"] == timed_setups["timed 2"]  # timed 0 was not measured again


def test_a_finished_run_is_measured_again_in_full(tmp_path):
    """Without an interrupted run there is nothing to resume: asv run re-measures, as before."""
    project, commit = _project(tmp_path)
    environ = _environ(tmp_path)
    subprocess.run([sys.executable, "-m", "asv", "machine", "--yes", "--machine", MACHINE],
                   cwd=project, env=environ, capture_output=True, check=True)
    command, options = _asv_run(project, commit, environ)
    for _ in range(2):
        run = subprocess.run(command, capture_output=True, text=True, timeout=240, **options)
        assert run.returncode == 0, run.stdout + run.stderr
    starts = Counter(line for line in _started(tmp_path) if not line.startswith("timed"))
    assert starts == {**{f"grid {i}": 2 for i in range(5)}, "single": 2}


def test_a_save_that_fails_midway_leaves_the_recorded_file_as_it_was(tmp_path):
    """A full disk, simulated where the write fails half-way (ENOSPC): one error naming the file,
    the file as it was, no scratch file left."""
    import errno

    import pytest
    from asv.util import UserError

    from asv_plugins.checkpoint import _atomic_write

    recorded = tmp_path / "results" / "m" / "abc-env.json"
    recorded.parent.mkdir(parents=True)
    recorded.write_text('{"recorded": true}')

    def write_until_the_disk_is_full(scratch):
        with open(scratch, "w") as file:
            file.write('{"half": ')
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError, match=r"cannot save .*abc-env.json: .*No space left on device.*unchanged"):
        _atomic_write(str(recorded), write_until_the_disk_is_full)
    assert recorded.read_text() == '{"recorded": true}'
    assert [path.name for path in recorded.parent.iterdir()] == ["abc-env.json"]


def test_a_saved_file_has_the_permissions_open_gives(tmp_path):
    from asv_plugins.checkpoint import _atomic_write

    path = tmp_path / "saved.json"
    _atomic_write(str(path), lambda scratch: Path(scratch).write_text("{}"))
    reference = tmp_path / "opened.json"
    reference.write_text("{}")
    assert path.stat().st_mode == reference.stat().st_mode


def test_a_results_folder_that_cannot_be_written_gives_one_error_and_keeps_the_file(tmp_path):
    """A read-only results folder, for real: the folder made immutable (chattr +i, which binds root too, unlike
    permission bits), so no scratch file can be created beside the recorded one."""
    import shutil
    import subprocess

    import pytest
    from asv.util import UserError

    from asv_plugins.checkpoint import _atomic_write

    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (e2fsprogs)")
    recorded = tmp_path / "results" / "m" / "abc-env.json"
    recorded.parent.mkdir(parents=True)
    recorded.write_text('{"recorded": true}')
    if subprocess.run(["chattr", "+i", str(recorded.parent)], capture_output=True).returncode != 0:
        pytest.skip("this file system or user cannot make a folder immutable")
    try:
        with pytest.raises(UserError, match=r"cannot save .*abc-env.json: .*not permitted.*unchanged"):
            _atomic_write(str(recorded), lambda scratch: Path(scratch).write_text('{"new": true}'))
    finally:
        subprocess.run(["chattr", "-i", str(recorded.parent)], check=True)
    assert recorded.read_text() == '{"recorded": true}'
    assert [path.name for path in recorded.parent.iterdir()] == ["abc-env.json"]
