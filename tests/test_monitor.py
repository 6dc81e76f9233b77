"""CPU and memory of a process tree, including forkserver grandchildren this process never reaps."""

import multiprocessing
import time

from harness.monitor import ResourceMonitor


def _burn(seconds, megabytes):
    block = bytearray(megabytes * 2**20)  # resident: bytearray zero-fills every page
    end = time.process_time() + seconds
    while time.process_time() < end:
        block[0] = (block[0] + 1) % 256


def test_counts_forkserver_grandchildren():
    context = multiprocessing.get_context("forkserver")
    with ResourceMonitor() as monitor:
        worker = context.Process(target=_burn, args=(1.0, 300))
        worker.start()
        worker.join()
    assert worker.exitcode == 0
    # The worker's parent is the forkserver, so os.times() alone would report ~0 here.
    assert 0.8 <= monitor.cpu_seconds <= 3.0
    assert monitor.peak_rss_bytes >= 300 * 2**20


def test_counts_reaped_fork_children_once():
    context = multiprocessing.get_context("fork")
    with ResourceMonitor() as monitor:
        workers = [context.Process(target=_burn, args=(0.5, 10)) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    assert 0.9 <= monitor.cpu_seconds <= 1.6
