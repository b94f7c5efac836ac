"""The 98 municipalities, their regions and DST kommunegrupper, and comparison groups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from .datafiles import packaged
from .errors import InputError

COUNTRY_CODE = "0"


@cache
def municipalities() -> pd.DataFrame:
    """kode, navn, region_kode, region, kommunegruppe_kode, kommunegruppe; indexed by kode."""
    df = pd.read_csv(packaged("kommuner.csv"), dtype={"navn": str, "region": str, "kommunegruppe": str})
    return df.set_index("kode", drop=False)


def codes() -> list[int]:
    return list(_all_codes())


@cache
def _all_codes() -> tuple[int, ...]:  # asked for per formula cell of a workbook's group columns
    return tuple(int(k) for k in municipalities()["kode"])


def name_of(kode: int) -> str:
    return str(municipalities().loc[int(kode), "navn"])


def is_known(kode: int) -> bool:
    return int(kode) in municipalities().index


@dataclass(frozen=True)
class ComparisonGroup:
    """A set of municipalities to compare with. `kode` labels it in outputs: G3, R84, L or 0."""

    kode: str
    navn: str
    members: tuple[int, ...]
    weighted: bool = False  # the whole country is a weighted rate; groups are unweighted means


def country() -> ComparisonGroup:
    return ComparisonGroup(COUNTRY_CODE, "Hele landet", tuple(codes()), weighted=True)


def dst_group(group_code: int) -> ComparisonGroup:
    return _group_by("kommunegruppe", "G", group_code)


def region(region_code: int) -> ComparisonGroup:
    return _group_by("region", "R", region_code)


def _group_by(column: str, prefix: str, code: int) -> ComparisonGroup:
    """The municipalities whose `column`_kode is `code`, named by `column`; KeyError for a code with none."""
    df = municipalities()
    members = df[df[f"{column}_kode"] == int(code)]
    if members.empty:
        raise KeyError(code)
    return ComparisonGroup(f"{prefix}{int(code)}", str(members[column].iloc[0]), _codes(members))


def code_list(members: list[int]) -> ComparisonGroup:
    return ComparisonGroup("L", "Egen liste: " + ", ".join(name_of(k) for k in members), tuple(members))


def _codes(df: pd.DataFrame) -> tuple[int, ...]:
    return tuple(int(k) for k in df["kode"])


GROUP_HELP = (
    "Skriv 'kommunegruppe' (standard), 'region', 'land', en DST-kommunegruppe (G1-G5 eller navnet, "
    "fx 'Provinsbykommuner'), en region (R81-R85 eller navnet, fx 'Region Sjælland') "
    "eller en liste af kommunekoder adskilt af komma (fx '101,147,151')."
)


def comparison_group(spec: str | None, kommune: int, where: str = "sammenligningsgruppe") -> ComparisonGroup:
    """Read a user's choice of comparison group; default the municipality's DST kommunegruppe. `where`: where the
    user gave it (an option, a cell), named in a message."""
    df = municipalities()
    text = (spec or "kommunegruppe").strip()
    low = text.lower()
    if low == "kommunegruppe":
        return dst_group(int(df.loc[int(kommune), "kommunegruppe_kode"]))
    if low == "region":
        return region(int(df.loc[int(kommune), "region_kode"]))
    if low in ("land", "hele landet", COUNTRY_CODE):
        return country()
    if low[:1] == "g" and low[1:].isdigit() and int(low[1:]) in set(df["kommunegruppe_kode"]):
        return dst_group(int(low[1:]))
    if low[:1] == "r" and low[1:].isdigit() and int(low[1:]) in set(df["region_kode"]):
        return region(int(low[1:]))
    by_group = df[df["kommunegruppe"].str.lower() == low]
    if not by_group.empty:
        return dst_group(int(by_group["kommunegruppe_kode"].iloc[0]))
    by_region = df[df["region"].str.lower().isin([low, f"region {low}"])]
    if not by_region.empty:
        return region(int(by_region["region_kode"].iloc[0]))
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and all(p.isdigit() for p in parts):
        unknown = [p for p in parts if not is_known(int(p))]
        if unknown:
            raise InputError.single(
                where, f"ukendt kommunekode {', '.join(unknown)}.",
                "Brug DST's kommunekoder (101 København ... 860 Hjørring).",
            )
        return code_list([int(p) for p in parts])
    raise InputError.single(where, f"'{text}' er ikke en sammenligningsgruppe.", GROUP_HELP)


def _folded(name: str) -> str:
    """A name as people type it: any case, æ/ø/å or their ASCII forms (Koebenhavn, Laesoe), hyphen or space."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "-": " ", ".": ""})
    return " ".join(name.lower().translate(table).split())


def parse_kommune(text: str, fil: str) -> int:
    """A municipality given by code or name: the name in any case, in the ASCII form of our file names
    ('Koebenhavn'), 'Høje Taastrup' for Høje-Taastrup, or the start of one name only ('Frederiksb'). `fil`: where
    the caller had it (an option, a cell), named in the message."""
    value = str(text).strip()
    if value.isdigit() and is_known(int(value)):
        return int(value)
    df = municipalities()
    folded = df["navn"].map(_folded)
    match = df[folded == _folded(value)]
    if match.empty and len(_folded(value)) >= 3:
        match = df[folded.str.startswith(_folded(value))]
    if len(match) == 1:
        return int(match["kode"].iloc[0])
    if len(match) > 1:
        names = ", ".join(f"{n} ({k})" for k, n in zip(match["kode"], match["navn"], strict=True))
        raise InputError.single(fil, f"'{value}' passer på flere kommuner: {names}.",
                                "Skriv hele navnet eller kommunekoden.")
    raise InputError.single(
        fil, f"'{value}' er ikke en kendt kommune.",
        "Angiv DST's kommunekode (fx 101 for København) eller kommunens navn; Christiansø (411) er ikke med.",
    )
