"""The territory's unit rows, each packed into one bytes object, so that a region's worth
of them stays small (about 130 bytes a unit instead of 700 for the objects) and sorts worst
first as plain bytes, with no key objects made for the sort.

A packed row is its sort key, then the rest of the row, then a fixed trailer:

    status rank (1) · score (8, big-endian) · unit id (UTF-8) · 0
    · completeness, training, equipment (8 each) · name (UTF-8) · reason's questions (2 each)
    · phase, area, type, blockers, overdue (2 each) · rule, empties (1 each)
    · length of the id, of the name, number of questions (2 each)

A score is 0…1, and a non-negative double's big-endian bytes sort as the number does; UTF-8
sorts as the text's code points do, and the 0 after the id puts "u1" before "u10": so the
bytes sort as ``core.cutover.worst_first`` orders rows (status, score, id). Every row is
unpacked, on reading, into the ``UnitRow`` it was made from.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from typing import Any, overload

from fvmcli.core.cutover import UnitRow
from fvmcli.core.scoring import STATUSES, StatusReason

RULES = (
    "blocker",
    "not-started",
    "score-below-amber",
    "score-below-green",
    "critical-below-full",
    "all-met",
)
_HEAD = struct.Struct(">Bd")  # status rank, score
_FIGURES = struct.Struct(">ddd")  # completeness, training, equipment
_TAIL = struct.Struct(">HHHHHBBHHH")  # phase … overdue, rule, empties, lengths
_NO_TRAINING, _NO_EQUIPMENT = 1, 2
_MAX = 0xFFFF


class PackedRows(Sequence[UnitRow]):
    """Unit rows of one checklist, packed; read back as ``UnitRow`` objects, one at a time."""

    def __init__(self, questions: Sequence[str], amber: float, green: float) -> None:
        self._rows: list[bytes] = []
        self._questions = tuple(questions)
        self._question_index = {q: i for i, q in enumerate(self._questions)}
        self._amber = amber
        self._green = green
        self._names: list[str] = []  # areas and types, by the index rows hold
        self._name_index: dict[str, int] = {}

    def _name(self, text: str) -> int:
        found = self._name_index.get(text)
        if found is None:
            found = self._name_index[text] = len(self._names)
            self._names.append(text)
        return found

    def add(self, row: UnitRow) -> None:
        """Pack and keep the row."""
        reason = row.reason
        questions = reason.questions if reason is not None else ()
        unit = row.unit.encode("utf-8", "surrogatepass")
        name = row.name.encode("utf-8", "surrogatepass")
        empties = (_NO_TRAINING if row.training_coverage is None else 0) | (
            _NO_EQUIPMENT if row.equipment_readiness is None else 0
        )
        self._rows.append(
            b"".join(
                (
                    _HEAD.pack(STATUSES.index(row.status), row.score),
                    unit,
                    b"\x00",
                    _FIGURES.pack(
                        row.completeness,
                        row.training_coverage or 0.0,
                        row.equipment_readiness or 0.0,
                    ),
                    name,
                    struct.pack(
                        f">{len(questions)}H", *(self._question_index[q] for q in questions)
                    ),
                    _TAIL.pack(
                        row.phase,
                        self._name(row.area),
                        self._name(row.type),
                        min(row.blockers, _MAX),
                        min(row.overdue, _MAX),
                        RULES.index(reason.rule) if reason is not None else 0xFF,
                        empties,
                        len(unit),
                        len(name),
                        len(questions),
                    ),
                )
            )
        )

    def sort(self) -> None:
        """Order the rows worst first (as ``core.cutover.worst_first``)."""
        self._rows.sort()

    def _unpack(self, packed: bytes) -> UnitRow:
        rank, score = _HEAD.unpack_from(packed)
        tail = _TAIL.unpack_from(packed, len(packed) - _TAIL.size)
        phase, area, unit_type, blockers, overdue, rule, empties, n_unit, n_name, n_q = tail
        at = _HEAD.size
        unit = packed[at : at + n_unit].decode("utf-8", "surrogatepass")
        at += n_unit + 1
        completeness, training, equipment = _FIGURES.unpack_from(packed, at)
        at += _FIGURES.size
        name = packed[at : at + n_name].decode("utf-8", "surrogatepass")
        at += n_name
        questions = tuple(self._questions[i] for i in struct.unpack_from(f">{n_q}H", packed, at))
        status = STATUSES[rank]
        return UnitRow(
            unit,
            name,
            self._names[area],
            phase,
            self._names[unit_type],
            score,
            status,
            completeness,
            blockers,
            overdue,
            None if empties & _NO_TRAINING else training,
            None if empties & _NO_EQUIPMENT else equipment,
            self._reason(status, rule, questions, score),
        )

    def _reason(
        self, status: str, rule: int, questions: tuple[str, ...], score: float
    ) -> StatusReason | None:
        """Return the reason as ``core.summary`` made it: the score bands carry the score and
        the threshold it was held against."""
        if rule == 0xFF:
            return None
        name = RULES[rule]
        if name == "score-below-amber":
            return StatusReason(status, name, questions, score, self._amber)
        if name in ("score-below-green", "all-met"):
            return StatusReason(status, name, questions, score, self._green)
        return StatusReason(status, name, questions)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> UnitRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[UnitRow]: ...

    def __getitem__(self, index: int | slice) -> UnitRow | list[UnitRow]:
        if isinstance(index, slice):
            return [self._unpack(p) for p in self._rows[index]]
        return self._unpack(self._rows[index])

    def __iter__(self) -> Iterator[UnitRow]:
        for packed in self._rows:
            yield self._unpack(packed)

    def statuses(self) -> Iterator[str]:
        """Yield each row's status, in order, without unpacking the rows."""
        for packed in self._rows:
            yield STATUSES[packed[0]]

    def figures(self) -> Iterator[tuple[str, float, str, str, int]]:
        """Yield each row's (status, score, area, type, phase), in order: what the summaries
        read, unpacked alone."""
        names = self._names
        tail = _TAIL.size
        for packed in self._rows:
            phase, area, unit_type = struct.unpack_from(">HHH", packed, len(packed) - tail)
            yield STATUSES[packed[0]], _score(packed), names[area], names[unit_type], phase


def _score(packed: bytes) -> float:
    """Return the score of a packed row."""
    value: float = struct.unpack_from(">d", packed, 1)[0]
    return value


def summaries(figures: Iterator[tuple[str, float, str, str, int]]) -> dict[str, Any]:
    """Return the summary of every row and per area, type and phase (``core.cutover.summary``
    and ``summaries_by``, with the same sums in the same order), from ``PackedRows.figures``:
    ``{"all": …, "area": {…}, "type": {…}, "phase": {…}}``."""
    from fvmcli.core.cutover import summary_of

    every: list[tuple[str, float]] = []
    groups: dict[str, dict[str, list[tuple[str, float]]]] = {"area": {}, "type": {}, "phase": {}}
    by_area, by_type, by_phase = groups["area"], groups["type"], groups["phase"]
    for status, score, area, unit_type, phase in figures:
        pair = (status, score)
        every.append(pair)
        by_area.setdefault(area, []).append(pair)
        by_type.setdefault(unit_type, []).append(pair)
        by_phase.setdefault(str(phase), []).append(pair)
    return {
        "all": summary_of(every),
        **{key: {k: summary_of(v) for k, v in found.items()} for key, found in groups.items()},
    }
