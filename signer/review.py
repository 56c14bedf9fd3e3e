"""What every review (Bitcoin or Ethereum) reports to the person: warnings with codes and severities."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WARN = "warn"
    DANGER = "danger"


@dataclass(frozen=True)
class ReviewWarning:
    """One finding about a request. ``code`` is stable (tests and UIs key on it)."""

    code: str
    severity: Severity
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": str(self.severity), "message": self.message}
