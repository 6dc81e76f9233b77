"""CPU seconds and peak memory of a block of work in this process and every process it starts.

``os.times()`` counts children only once they are waited for, and PyMC runs JAX-mode chains in
forkserver grandchildren that this process never waits for. So the clock adds: this process's CPU,
the exact CPU of reaped children (``children_user``/``children_system``), and, from a poller, the
last CPU reading of every other descendant. A descendant loses at most the CPU it used between its
last poll and its exit (POLL_SECONDS). Peak memory is the largest sum of resident set sizes over
the process tree seen at a poll (shared pages count once per process).
"""

from __future__ import annotations

import os
import threading

import psutil

POLL_SECONDS = 0.05


def _cpu(process: psutil.Process) -> float | None:
    try:
        times = process.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    return times.user + times.system


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return 0


class ResourceMonitor:
    """Context manager; after the block, ``cpu_seconds`` and ``peak_rss_bytes`` hold its costs."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._baseline: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], float] = {}
        self._direct: set[tuple[int, float]] = set()
        self.cpu_seconds: float | None = None
        self.peak_rss_bytes = 0

    def _descendants(self) -> list[tuple[tuple[int, float], psutil.Process]]:
        found = []
        for process in self._me.children(recursive=True):
            try:
                key = (process.pid, process.create_time())
                if process.ppid() == self._me.pid:
                    self._direct.add(key)
            except psutil.Error:
                continue
            found.append((key, process))
        return found

    def _poll(self) -> None:
        rss = _rss(self._me)
        for key, process in self._descendants():
            cpu = _cpu(process)
            if cpu is not None:
                self._last[key] = cpu
                rss += _rss(process)
        self.peak_rss_bytes = max(self.peak_rss_bytes, rss)

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._poll()

    def __enter__(self) -> ResourceMonitor:
        for key, process in self._descendants():
            cpu = _cpu(process)
            if cpu is not None:
                self._baseline[key] = cpu
        self._start_self = self._own()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._poll()
        self._stop.set()
        self._thread.join()
        alive = {key for key, _ in self._descendants()}
        descendants = 0.0
        for key, cpu in self._last.items():
            if key in self._direct and key not in alive:
                continue  # reaped by this process: counted exactly in children_user/system
            descendants += cpu - self._baseline.get(key, 0.0)
        self.cpu_seconds = self._own() - self._start_self + descendants

    @staticmethod
    def _own() -> float:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system
