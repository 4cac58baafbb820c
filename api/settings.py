"""The service's settings, in one place: `plankg serve` fills them from its options, tests build their own."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# address space a worker needs before any query: Python, the graph, and the ~0.8 GiB RocksDB reserves for its
# cache while the worker answers from the on-disk snapshot
MIN_WORKER_MEMORY = 1024 * 2**20


@dataclass(frozen=True)
class Settings:
    """How the service runs.

    store_path: the on-disk store the graph is copied from at start (None: the default store of
        kg.store.default_store_path, i.e. $PLANKG_STORE or the per-user folder); seeded if empty.
    timeout: seconds a query may run before its worker is killed and the client gets 503.
    row_cap: the most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one answer carries; more are cut
        and the response says so in the X-Plankg-Truncated header.
    update_token: with a token, SPARQL updates carrying `Authorization: Bearer <token>` are applied;
        without one the service is read-only and every update gets 403.
    workers: query worker processes, each with its own in-memory copy of the graph.
    max_query_bytes: the largest query text accepted (413 above it).
    worker_memory: the most address space (bytes) one query worker may take (RLIMIT_AS), the graph
        included; a query that needs more ends its worker, the client gets 503 and a fresh worker
        starts. None: no limit of plankg's own.
    """

    store_path: Path | None = None
    timeout: float = 10.0
    row_cap: int = 10_000
    update_token: str | None = None
    workers: int = 2
    max_query_bytes: int = 1_000_000
    worker_memory: int | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds")
        if self.row_cap < 1:
            raise ValueError("row_cap must be at least 1")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.worker_memory is not None and self.worker_memory < MIN_WORKER_MEMORY:
            raise ValueError(f"worker_memory must be at least {MIN_WORKER_MEMORY // 2**20} MiB")
        if self.update_token is not None and not self.update_token.strip():
            raise ValueError("update_token must not be empty")


def default_worker_memory(workers: int) -> int | None:
    """A share of the machine's memory per worker, so that runaway queries in every worker at once
    still leave room for the rest: physical memory / (workers + 1). None where it cannot be read."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    return max(MIN_WORKER_MEMORY, total // (workers + 1))
