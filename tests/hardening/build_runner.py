"""`plankg build ...` exactly as the command line runs it, with the write phase marked in a file.

    python tests/hardening/build_runner.py MARKS_FILE build DIR --store S

Before PlanStore.write_plans starts and after it returns, a line ("write-start <t>" /
"write-end <t>", t from time.monotonic()) goes to MARKS_FILE with one unbuffered os.write, so a test
that kills this process knows whether the kill landed while the store was being written.
Nothing else differs from `plankg build`.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    marks = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def mark(what: str) -> None:
        os.write(marks, f"{what} {time.monotonic():.6f}\n".encode())

    from plankg.kg import cli, store

    write_plans = store.PlanStore.write_plans

    def marked_write_plans(self, plans, *args, **kwargs):
        mark("write-start")
        write_plans(self, plans, *args, **kwargs)
        mark("write-end")

    store.PlanStore.write_plans = marked_write_plans
    sys.argv = ["plankg", *sys.argv[2:]]
    mark("started")
    cli.main()


if __name__ == "__main__":
    main()
