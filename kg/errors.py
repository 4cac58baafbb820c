"""The one error type that reading and parsing raise for bad input."""

from __future__ import annotations


class PlanError(Exception):
    """Bad input: names the file, the line (1-based, where known) and what was expected."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # raised in a worker process, it crosses back whole
        return (type(self), (self.path, self.line, self.message))


class RemoteError(Exception):
    """The endpoint is down, refuses, or answers with an error."""
