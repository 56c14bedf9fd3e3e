"""The table ``make bench`` prints where a figure has an anchor: figure, ours, anchor, ratio.

An anchor is the same work done by a well-known implementation in the same run on the same
machine (zxing-cpp for reading QR codes, ethers for an Ethereum signature, a perfect reader for the
frames an animated QR needs...), so the ratio means something whatever the machine: below 1 is
faster or fewer than the anchor, above 1 slower or more.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    figure: str
    ours: float
    anchor: float | None
    unit: str  # "ms", "s", "frames", "%"...
    anchor_name: str = ""


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, ours: float, anchor: float | None, unit: str, anchor_name: str = "") -> None:
        self.rows.append(Row(figure, ours, anchor, unit, anchor_name))

    def render(self) -> str:
        width = max([len(r.figure) for r in self.rows] + [len("figure")])
        head = f"{'figure':<{width}}  {'ours':>12}  {'anchor':>12}  {'ratio':>6}  anchor is"
        lines = [self.title, head, "-" * len(head)]
        for r in self.rows:
            anchor = "" if r.anchor is None else _amount(r.anchor, r.unit)
            ratio = "" if not r.anchor else f"{r.ours / r.anchor:6.2f}"
            ours = _amount(r.ours, r.unit)
            lines.append(f"{r.figure:<{width}}  {ours:>12}  {anchor:>12}  {ratio:>6}  {r.anchor_name}")
        return "\n".join(lines)

    def print(self) -> None:
        print(self.render(), flush=True)


def _amount(value: float, unit: str) -> str:
    if unit in ("ms", "s"):
        return f"{value:.2f} {unit}"
    if unit == "%":
        return f"{value:.0f}%"
    return f"{value:g} {unit}".strip()
