"""The two staircases and the mapping of intervention codes to steps, read from data files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

from .datafiles import packaged
from .errors import Problem, raise_if_errors

STAIRCASES = ("boern", "voksne")
NO_STEP_KINDS = ("uoplyst", "udenfor")  # known codes that stand on no step
MAPPING_FILE = "indsatser.csv"
MAPPING_COLUMNS = ["trappe", "kode", "navn", "trin", "uden_trin", "bemaerkning"]


@dataclass(frozen=True)
class Staircase:
    key: str
    navn: str
    aldersgruppe: str  # the population the per-1,000 rates are counted against
    steps: pd.DataFrame  # trin, navn, lovgrundlag, officielt_navn, bolig
    codes: pd.DataFrame  # kode (index), navn, trin (Int64, <NA> = no step), uden_trin, bemaerkning
    omraade: str = ""  # the staircase's main function in the municipal accounts (5.28, 5.38)
    omraade_navn: str = ""  # its name as a reader says it ("Børn og unge")

    @property
    def area_label(self) -> str:
        """The area as the Udgiftsmodel names it: "Børn og unge (5.28)"."""
        return f"{self.omraade_navn} ({self.omraade})"

    def steps_where(self, bolig: str) -> tuple[int, ...]:
        """The steps whose `bolig` (where the citizen lives: eget hjem, botilbudslignende, botilbud) is `bolig`."""
        if "bolig" not in self.steps:
            return ()
        return tuple(int(t) for t in self.steps.loc[self.steps["bolig"] == bolig, "trin"])

    @cached_property
    def n_steps(self) -> int:
        return len(self.steps)

    @cached_property
    def memo(self) -> dict:
        """Answers derived from the mapping (coverage asks them per cell of every workbook), kept with it:
        a Staircase does not change after construction."""
        return {}

    @property
    def step_numbers(self) -> list[int]:
        if "step_numbers" not in self.memo:
            self.memo["step_numbers"] = tuple(int(t) for t in self.steps["trin"])
        return list(self.memo["step_numbers"])

    def step_name(self, trin: int) -> str:
        return self._names[int(trin)]

    def step_names(self) -> dict[int, str]:
        return dict(self._names)

    @cached_property
    def _names(self) -> dict[int, str]:
        return {int(t): str(n) for t, n in zip(self.steps["trin"], self.steps["navn"], strict=True)}

    def knows(self, kode: str) -> bool:
        return kode in self.codes.index

    def step_of(self, kode: str) -> int | None:
        """The step of an intervention code; None for a known code on no step; KeyError if unknown."""
        trin = self.codes.loc[kode, "trin"]
        return None if pd.isna(trin) else int(trin)

    def step_map(self) -> pd.Series:
        """kode -> trin (Int64, <NA> for codes on no step), for vectorised mapping."""
        return self.codes["trin"]


def mapping_location(user_file: Path | None = None) -> str:
    """Where the mapping in use lives, for messages that send the user there."""
    if user_file is not None:
        return str(user_file)
    return f"{packaged(MAPPING_FILE)} (eller din egen fil med --indsatskort)"


@cache
def _default_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    read = lambda name: pd.read_csv(packaged(name), dtype=str, keep_default_na=False)  # noqa: E731
    return read("trapper.csv"), read("trin.csv"), read(MAPPING_FILE)


@cache
def default_staircases() -> dict[str, Staircase]:
    """The packaged staircases (built once per process; treat them as read-only)."""
    trapper, trin, indsatser = _default_tables()
    return build_staircases(trapper, trin, indsatser, MAPPING_FILE)


def staircases_with_mapping(indsatser: pd.DataFrame, mapping_name: str) -> dict[str, Staircase]:
    """The default staircases with a user's own mapping of intervention codes to steps."""
    trapper, trin, _ = _default_tables()
    return build_staircases(trapper, trin, indsatser, mapping_name)


def build_staircases(
    trapper: pd.DataFrame, trin: pd.DataFrame, indsatser: pd.DataFrame, mapping_name: str
) -> dict[str, Staircase]:
    """Staircases from their tables (all text), checking the mapping; raises InputError on problems."""
    steps_by_key = {key: _steps_of(trin, key) for key in STAIRCASES}
    codes, problems = _check_mapping(indsatser, mapping_name, {k: len(v) for k, v in steps_by_key.items()})
    raise_if_errors(problems)
    result = {}
    for _, row in trapper.iterrows():
        key = row["trappe"]
        result[key] = Staircase(
            key=key,
            navn=row["navn"],
            aldersgruppe=row["aldersgruppe"],
            steps=steps_by_key[key],
            codes=codes[codes["trappe"] == key].drop(columns="trappe").set_index("kode"),
            omraade=row.get("omraade", ""),
            omraade_navn=row.get("omraade_navn", ""),
        )
    return result


def _steps_of(trin: pd.DataFrame, key: str) -> pd.DataFrame:
    steps = trin[trin["trappe"] == key].drop(columns="trappe").copy()
    steps["trin"] = steps["trin"].astype(int)
    return steps.sort_values("trin").reset_index(drop=True)


def _check_mapping(
    df: pd.DataFrame, fil: str, n_steps: dict[str, int]
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    missing = [c for c in ("trappe", "kode", "trin") if c not in df.columns]
    if missing:
        return df, [Problem(fil, f"kolonnen/kolonnerne {', '.join(missing)} mangler.",
                            f"Indsatskortet skal have kolonnerne {', '.join(MAPPING_COLUMNS)}.")]
    df = df.copy()
    for col in MAPPING_COLUMNS:
        if col not in df.columns:
            df[col] = ""
        df[col] = df[col].fillna("").astype(str).str.strip()
    trin = pd.Series(pd.NA, index=df.index, dtype="Int64")
    for i, row in df.iterrows():  # a mapping has tens of rows; clarity beats vectorising here
        line = int(i) + 2
        if row["trappe"] not in n_steps:
            problems.append(Problem(fil, f"ukendt trappe '{row['trappe']}'.", "Brug 'boern' eller 'voksne'.",
                                    line, "trappe"))
            continue
        if ":" not in row["kode"]:
            problems.append(Problem(fil, f"koden '{row['kode']}' har ikke formen KILDE:KODE.",
                                    "Fx ANBAAR12:21, HAND07:30181 eller EGEN:MIN-KODE.", line, "kode"))
        if row["trin"] == "":
            if row["uden_trin"] not in NO_STEP_KINDS:
                problems.append(Problem(
                    fil, f"koden '{row['kode']}' har intet trin og ingen forklaring.",
                    "Skriv et trin, eller 'uoplyst' eller 'udenfor' i kolonnen uden_trin.", line, "uden_trin"))
            continue
        top = n_steps[row["trappe"]]
        if not row["trin"].isdigit() or not 1 <= int(row["trin"]) <= top:
            problems.append(Problem(fil, f"trin '{row['trin']}' findes ikke på trappen '{row['trappe']}'.",
                                    f"Brug et tal fra 1 til {top}.", line, "trin"))
            continue
        trin[i] = int(row["trin"])
    dup = df.duplicated(["trappe", "kode"], keep="first")
    for i in df.index[dup]:
        problems.append(Problem(fil, f"koden '{df.at[i, 'kode']}' står to gange for samme trappe.",
                                "Slet den ene række.", int(i) + 2, "kode"))
    df["trin"] = trin
    return df[MAPPING_COLUMNS], problems
