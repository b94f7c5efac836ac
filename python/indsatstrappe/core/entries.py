"""A user's entries in one of our workbooks: everything a refresh must carry over to the new file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class NoegletalEntries:
    kommune: str  # names as the dropdowns show them
    gruppe: str
    aar: int | None
    egne_kommune: str
    egne: dict[tuple[str, int], tuple[float | None, float | None]] = field(default_factory=dict)  # (id, år)
    botilbud: list[list] | None = None  # Botilbud: a row's twelve input cells as typed; None: no such sheet
    # (id, year) of the own figures the workbook's data held when it was built: an empty cell there was cleared by
    # the user; a refresh fills the others from the data folder
    egne_data: frozenset = field(default=frozenset(), compare=False)


@dataclass
class UdgiftsmodelEntries:
    kommune: str
    gruppe: str
    omraade: str
    prisniveau: str
    basisaar: int | None
    rules: list[tuple[str, ...]] = field(default_factory=list)  # 7 texts a row, blank rows left out
    rule_rows: list[int] = field(default_factory=list)  # each rule's row on the sheet (for messages)
    eget_aar: int | None = None
    export: list[tuple[object, object]] = field(default_factory=list)  # (konto, beløb) as typed
    scenarie: list[list] | None = None  # Scenarie: six cells a movement row, as typed
    prisstigning: float = 0.0
