"""What the review's checks find, in the order they find it: warnings, and refusals that forbid signing."""

from __future__ import annotations

from dataclasses import dataclass, field

from signer.review import ReviewWarning, Severity


@dataclass
class Findings:
    warnings: list[ReviewWarning] = field(default_factory=list)
    refusals: list[ReviewWarning] = field(default_factory=list)

    def warn(self, code: str, severity: Severity, message: str) -> None:
        self.warnings.append(ReviewWarning(code, severity, message))

    def refuse(self, code: str, message: str) -> None:
        self.refusals.append(ReviewWarning(code, Severity.DANGER, message))
