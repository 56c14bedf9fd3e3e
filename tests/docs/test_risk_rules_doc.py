"""docs/risk-rules.md stays true: it lists every warning and refusal code the code can raise, no
code that no longer exists, and each code's severities as the code gives them.

The codes are read from the source by ``review_codes.scan`` (its docstring says how); the scan
itself is tested on a small package written here with every shape a code takes in Airlock."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from review_codes import ROOT, scan

PAGE = ROOT / "docs" / "risk-rules.md"
ROW = re.compile(r"^\|\s*`([a-z0-9-]+)`\s*\|\s*([a-z, ]+?)\s*\|", re.M)
HOW = "list them with: .venv/bin/python tests/docs/review_codes.py"


def page_codes() -> dict[str, set[str]]:
    """code -> severities, from every table row of the page that starts with a `code` cell."""
    found: dict[str, set[str]] = {}
    for code, severities in ROW.findall(PAGE.read_text()):
        found.setdefault(code, set()).update(s.strip() for s in severities.split(","))
    return found


@pytest.fixture(scope="module")
def code_codes() -> dict[str, set[str]]:
    result = scan()
    assert not result.unresolved, "codes the scan cannot read:\n" + "\n".join(result.unresolved)
    return result.codes()


def test_every_code_the_code_raises_is_on_the_page(code_codes: dict[str, set[str]]) -> None:
    missing = sorted(set(code_codes) - set(page_codes()))
    assert not missing, f"docs/risk-rules.md does not explain {missing} ({HOW})"


def test_every_code_on_the_page_exists(code_codes: dict[str, set[str]]) -> None:
    stale = sorted(set(page_codes()) - set(code_codes))
    assert not stale, f"docs/risk-rules.md lists codes the code no longer raises: {stale} ({HOW})"


def test_the_page_gives_each_code_its_severities(code_codes: dict[str, set[str]]) -> None:
    page = page_codes()
    wrong = {
        code: f"page {sorted(page[code])}, code {sorted(severities)}"
        for code, severities in code_codes.items()
        if code in page and page[code] != severities
    }
    assert not wrong, f"severities differ in docs/risk-rules.md: {wrong} ({HOW})"


def test_the_page_is_read() -> None:
    assert len(page_codes()) > 80


# -- the scan itself ------------------------------------------------------------------------------
REVIEW = '''
from dataclasses import dataclass
from enum import StrEnum

class Severity(StrEnum):
    INFO = "info"
    WARN = "warn"
    DANGER = "danger"

@dataclass(frozen=True)
class ReviewWarning:
    code: str
    severity: Severity
    message: str
'''

ERRORS = '''
class Refusal(Exception):
    pass

class ChainRefusal(Refusal):
    code = "refused-by-default"

    def __init__(self, message, code=None):
        super().__init__(message)
        if code is not None:
            self.code = code

class NotOurs(ChainRefusal):
    code = "not-ours-class"
'''

CONSTANTS = '''
from enum import StrEnum

IMPORTED = "imported-constant"
VIA_MODULE = "module-attribute"


class Code(StrEnum):
    MEMBER = "enum-member"
'''

RULES = '''
from dataclasses import dataclass, field

from pkg import constants
from pkg.constants import IMPORTED, Code
from pkg.errors import ChainRefusal, NotOurs
from signer.review import ReviewWarning, Severity

LOCAL = "module-constant"


@dataclass
class _Findings:
    warnings: list = field(default_factory=list)
    refusals: list = field(default_factory=list)

    def warn(self, code, severity, message):
        self.warnings.append(ReviewWarning(code, severity, message))

    def refuse(self, code, message):
        self.refusals.append(ReviewWarning(code, Severity.DANGER, message))


def _check(f: _Findings, big: bool) -> None:
    f.warn("literal", Severity.INFO, "m")
    f.warn(LOCAL, Severity.DANGER if big else Severity.WARN, "m")
    f.refuse(IMPORTED, "m")
    f.warn(constants.VIA_MODULE, Severity.WARN, "m")
    f.warn(Code.MEMBER, Severity.INFO, "m")


def rules(other) -> list:
    out = _Findings()
    code = "branch-a" if other else "branch-b"
    severity = Severity.DANGER if other else Severity.INFO
    out.warn(code, severity, "m")
    refusals = [ReviewWarning(code="keyword", severity=Severity.WARN, message="m")]
    refusals.append(ReviewWarning("appended-refusal", Severity.DANGER, "m"))
    out.warn(other.code, other.severity, "handed on")
    return refusals


def sign(review) -> None:
    if review:
        raise ChainRefusal("m", "exception-argument")
    if review is None:
        raise NotOurs("m")
    raise ChainRefusal("m")
'''


def _package(root: Path, rules: str = RULES) -> Path:
    for rel, text in {
        "signer/__init__.py": "",
        "signer/review.py": REVIEW,
        "pkg/__init__.py": "",
        "pkg/errors.py": ERRORS,
        "pkg/constants.py": CONSTANTS,
        "pkg/rules.py": rules,
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_the_scan_reads_every_shape_a_code_takes(tmp_path: Path) -> None:
    result = scan(_package(tmp_path), ("signer", "pkg"))
    assert not result.unresolved
    assert result.codes() == {
        "literal": {"info"},
        "module-constant": {"danger", "warn"},
        "imported-constant": {"refused"},
        "module-attribute": {"warn"},
        "enum-member": {"info"},
        "branch-a": {"danger", "info"},
        "branch-b": {"danger", "info"},
        "keyword": {"warn"},
        "appended-refusal": {"refused"},
        "exception-argument": {"refused"},
        "not-ours-class": {"refused"},
        "refused-by-default": {"refused"},
    }


@pytest.mark.parametrize(
    "shape",
    [
        'f.warn(f"built-{big}", Severity.INFO, "m")',  # a code made at run time
        'f.warn("x", level(), "m")',  # a severity the scan cannot follow
        'f.warn(CODES[0], Severity.INFO, "m")',
        'holder.findings.warn("held-elsewhere", Severity.INFO, "m")',  # a receiver of unknown class
    ],
)
def test_the_scan_names_what_it_cannot_read(tmp_path: Path, shape: str) -> None:
    rules = RULES.replace('f.warn("literal", Severity.INFO, "m")', shape)
    result = scan(_package(tmp_path, rules), ("signer", "pkg"))
    assert len(result.unresolved) == 1 and "pkg/rules.py:" in result.unresolved[0], result.unresolved
