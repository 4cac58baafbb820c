"""`plankg build ...` exactly as the command line runs it, with the write phase marked in a file.

    python tests/hardening/build_runner.py MARKS_FILE BATCH build DIR --store S

When the build first writes to the store (a bulk load of new plans, which starts while later files
are still compiling, or the commit) a line "write-start <t>" goes to MARKS_FILE, and "write-end <t>"
once the commit has returned (t from time.monotonic(), one unbuffered os.write each), so a test that
kills this process knows whether the kill landed while the store was being written. BATCH sets
kg.store.WRITE_BATCH (plans per bulk load or transaction), so that a few dozen plans are written in
several batches as thousands are. Nothing else differs from `plankg build`.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    marks = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    written = []

    def mark(what: str) -> None:
        os.write(marks, f"{what} {time.monotonic():.6f}\n".encode())

    def first_write() -> None:
        if not written:
            written.append(True)
            mark("write-start")

    from plankg.kg import cli, store

    store.WRITE_BATCH = int(sys.argv[2])
    load_fresh, commit = store.PlanWriter._load_fresh, store.PlanWriter.commit

    def marked_load_fresh(self):
        first_write()
        load_fresh(self)

    def marked_commit(self):
        first_write()
        commit(self)
        mark("write-end")

    store.PlanWriter._load_fresh = marked_load_fresh
    store.PlanWriter.commit = marked_commit
    sys.argv = ["plankg", *sys.argv[3:]]
    mark("started")
    cli.main()


if __name__ == "__main__":
    main()
