"""What the benchmark scripts share: running a command and measuring its wall time and memory,
the load average, and bounded clean-up of the processes they start."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

# Runs one command as its child and reports its wall time and the largest resident set of any
# process in its tree that it (or its children) waited for: getrusage(RUSAGE_CHILDREN).ru_maxrss.
_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rc": code.returncode, "maxrss_kb": maxrss,
                  "stderr": code.stderr.decode("utf-8", "replace")[-2000:]}))
"""


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, summed (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class TreeSampler:
    """Peak of tree_rss_kb(pid) sampled every `interval` seconds while the process runs."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def measure(command: list[str], env: dict | None = None) -> dict:
    """Run `command` to the end: wall seconds, exit status, ru_maxrss of its tree (largest single
    process, KiB) and the sampled peak of the whole tree's resident memory summed (KiB)."""
    process = subprocess.Popen([sys.executable, "-c", _WRAPPER, *command], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)  # fmt: skip
    sampler = TreeSampler(process.pid)
    out, err = process.communicate()
    result = json.loads(out.decode() or "{}") if process.returncode == 0 else {"rc": process.returncode}
    result["tree_peak_kb"] = sampler.stop()
    if result.get("rc") != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.get('rc')}): {result.get('stderr', err.decode())}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(processes: list[subprocess.Popen]) -> None:
    """Terminate each process we started (by its own handle), then kill what does not stop."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def mib(kb: int | float) -> str:
    return f"{kb / 1024:.0f} MiB"


def plankg_command() -> list[str]:
    return [sys.executable, "-m", "plankg"]


def repo_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(repo_dir()), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(repo_dir()), "status", "--porcelain", "--", "kg", "api"],
                               capture_output=True, text=True, timeout=10).stdout.strip()  # fmt: skip
        return head + (" (kg/ or api/ modified)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started
