"""A data folder ("datapakke"): CSV files named after the contract's tables, or one .xlsx with a
sheet per table, plus an optional `datapakke.toml` that says where the data come from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..core.datafiles import DEMO_DIR
from ..core.errors import InputError, Problem
from ..core.staircase import Staircase, default_staircases, staircases_with_mapping
from . import privacy
from .contracts import TABLES, check_table
from .rawtable import RawTable, read_csv_table, read_xlsx_table, xlsx_sheets

META_FILE = "datapakke.toml"


@dataclass(frozen=True)
class DataMeta:
    navn: str = ""
    syntetisk: bool = False
    kilde: str = ""
    hentet: str = ""
    tabeller: tuple[str, ...] = field(default_factory=tuple)
    bemaerkninger: tuple[str, ...] = field(default_factory=tuple)  # what `hent` could not get, in words
    skrevet_af: str = ""  # "indsatstrappe hent" where hent wrote the folder
    filer: dict[str, str] = field(default_factory=dict)  # file -> sha256 of what hent wrote

    @property
    def label(self) -> str:
        """One line that says what the numbers are; the demo mark when synthetic."""
        if self.syntetisk:
            return "DEMODATA – syntetiske tal, ikke virkelige kommuners tal"
        parts = [p for p in (self.kilde, f"hentet {self.hentet}" if self.hentet else "") if p]
        return ", ".join(parts) or "Egne data"


class DataFolder:
    """Reads and checks the tables of one data folder; each table is read at most once."""

    def __init__(self, path: Path | str | None = None, indsatskort: Path | str | None = None):
        self.path = Path(path) if path is not None else DEMO_DIR
        self.indsatskort = Path(indsatskort) if indsatskort is not None else None
        self.warnings: list[Problem] = []
        self._tables: dict[str, pd.DataFrame] = {}
        self._salt = privacy.new_salt()
        self._replaced: set[str] = set()
        if not self.path.exists():
            raise InputError.single(str(self.path), "findes ikke.",
                                    "Angiv en datamappe med --data (fx --data mine_data/).")
        self.xlsx = self._find_workbook()

    def _find_workbook(self) -> Path | None:
        if self.path.is_file():
            if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
                raise InputError.single(str(self.path), "er hverken en mappe eller en .xlsx-fil.",
                                        "Angiv en mappe med CSV-filer eller en .xlsx med et ark pr. tabel.")
            return self.path
        if not any((self.path / f"{t}.csv").exists() for t in TABLES):  # other CSV files are not tables
            books = sorted(p for p in self.path.glob("*.xlsx") if not p.name.startswith("~$"))
            if len(books) == 1:
                return books[0]
        return None

    def input_files(self) -> set[Path]:
        """Every file this folder reads (resolved), whether or not a command reads it: none may be written."""
        folder = self.path if self.path.is_dir() else self.path.parent
        files = {folder / META_FILE, *(folder / f"{t}.csv" for t in TABLES)}
        if self.xlsx is not None:
            files.add(self.xlsx)
        if self.indsatskort is not None:
            files.add(self.indsatskort)
        return {f.resolve() for f in files if f.exists()}

    def guard_output(self, target: Path, option: str = "--ud") -> None:
        """Refuse an output path that is one of the folder's input files (the inputs are never changed)."""
        resolved = Path(target).resolve()
        if resolved in self.input_files():
            raise InputError.single(option, f"'{target}' er en af datamappens inputfiler; den må ikke overskrives.",
                                    "Skriv resultatet til en anden fil, fx uden for datamappen.")
        folder = (self.path if self.path.is_dir() else self.path.parent).resolve()
        if resolved.parent == folder and self.path != DEMO_DIR:
            raise InputError.single(option, f"'{target}' ligger i datamappen {self.path}; et resultat der blandes "
                                    "med dine data, kan læses som en af datamappens tabeller.",
                                    "Skriv resultatet uden for datamappen, fx --ud resultater/fordeling.csv.")

    @property
    def is_demo(self) -> bool:
        return self.meta.syntetisk

    @cached_property
    def meta(self) -> DataMeta:
        file = (self.path if self.path.is_dir() else self.path.parent) / META_FILE
        if not file.exists():
            return DataMeta()
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError.single(str(file), f"kan ikke læses ({exc}).", "Ret filen eller slet den.") from None
        return DataMeta(
            navn=str(raw.get("navn", "")), syntetisk=bool(raw.get("syntetisk", False)),
            kilde=str(raw.get("kilde", "")), hentet=str(raw.get("hentet", "")),
            tabeller=tuple(raw.get("tabeller", ())),
            bemaerkninger=tuple(str(b) for b in raw.get("bemaerkninger", ())),
            skrevet_af=str(raw.get("skrevet_af", "")),
            filer={str(k): str(v) for k, v in dict(raw.get("filer", {})).items()},
        )

    @cached_property
    def staircases(self) -> dict[str, Staircase]:
        if self.indsatskort is None:
            return default_staircases()
        if not self.indsatskort.is_file():
            raise InputError.single(str(self.indsatskort), "findes ikke.", "Angiv stien til dit indsatskort.")
        raw = read_csv_table(self.indsatskort, str(self.indsatskort))
        return staircases_with_mapping(raw.data.reset_index(drop=True), str(self.indsatskort))

    def available(self) -> list[str]:
        if self.xlsx is not None:
            sheets = {s.strip().lower() for s in xlsx_sheets(self.xlsx)}
            return [t for t in TABLES if t in sheets]
        return [t for t in TABLES if (self.path / f"{t}.csv").exists()]

    def has(self, name: str) -> bool:
        return name in self._replaced or name in self.available()

    def _raw(self, name: str) -> RawTable:
        if self.xlsx is not None:
            sheet = next(s for s in xlsx_sheets(self.xlsx) if s.strip().lower() == name)
            return read_xlsx_table(self.xlsx, sheet)
        return read_csv_table(self.path / f"{name}.csv")

    def _check(self, name: str) -> tuple[pd.DataFrame, list[Problem]]:
        return check_table(name, self._raw(name), self.staircases, self.indsatskort)

    def table(self, name: str) -> pd.DataFrame:
        """The typed table; raises InputError naming every problem in it."""
        if name in self._tables:
            return self._tables[name]
        if not self.has(name):
            where = f"et ark '{name}' i {self.xlsx.name}" if self.xlsx else f"{name}.csv i {self.path}"
            raise InputError.single(
                str(self.path), f"tabellen '{name}' mangler ({TABLES[name].description}).",
                f"Læg {where}. Kolonner: {', '.join(TABLES[name].column_names)}.",
            )
        df, problems = self._check(name)
        self.warnings.extend(p for p in problems if p.advarsel)
        if any(not p.advarsel for p in problems):
            raise InputError(problems)
        return self._store(name, df)

    def for_another_process(self) -> DataFolder:
        """A copy to send to a worker process: tables read from the files are read again there (cheaper than
        pickling them); tables given with `replace_table` travel along."""
        copy = object.__new__(DataFolder)
        copy.__dict__.update(self.__dict__)
        copy._tables = {k: v for k, v in self._tables.items() if k in self._replaced}
        copy.warnings = []
        return copy

    def replace_table(self, name: str, df: pd.DataFrame) -> None:
        """Use `df` for a table (e.g. own figures typed into a workbook) instead of the folder's file."""
        self._store(name, df)
        self._replaced.add(name)

    def _store(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        if name == "forloeb":  # CPR numbers never get further than this
            df = df.assign(borger_id=privacy.pseudonymise(df["borger_id"], self._salt))
        self._tables[name] = df
        return df

    def validate(self) -> list[Problem]:
        """Every problem in every table present, and in how the tables fit together."""
        problems: list[Problem] = []
        present = self.available()
        if not present:
            return [Problem(str(self.path), "indeholder ingen af datapakkens tabeller.",
                            f"Filerne skal hedde {', '.join(t + '.csv' for t in TABLES)} "
                            "(eller være ark med de navne i én .xlsx).")]
        try:
            self.staircases  # noqa: B018 - a broken mapping is a problem of its own
        except InputError as exc:
            return exc.problems
        for name in present:
            try:
                df, found = self._check(name)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(found)
            if not any(not p.advarsel for p in found):
                self._store(name, df)
        problems.extend(self._cross_checks())
        return problems

    def _cross_checks(self) -> list[Problem]:
        problems: list[Problem] = []
        for name in ("modtagere", "befolkning", "regnskab"):  # a year missing in the middle is a gap, not a trend
            if name in self._tables and len(self._tables[name]):
                years = sorted(int(y) for y in self._tables[name]["aar"].dropna().unique())
                gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
                if gaps:
                    problems.append(Problem(f"{name}.csv", f"årene {', '.join(map(str, gaps))} mangler midt i "
                                            f"{years[0]}-{years[-1]}.", "Tjek at filen er hel; udviklinger og "
                                            "grafer springer året over.", advarsel=True))
        if "modtagere" in self._tables and "befolkning" in self._tables:
            pop = self._tables["befolkning"]
            for key, staircase in self.staircases.items():
                used = self._tables["modtagere"].query("trappe == @key")[["kommune_kode", "aar"]]
                have = pop[pop["aldersgruppe"] == staircase.aldersgruppe][["kommune_kode", "aar"]]
                lacking = used.drop_duplicates().merge(have, how="left", indicator=True)
                lacking = lacking[lacking["_merge"] == "left_only"]
                if not lacking.empty:
                    first = lacking[["kommune_kode", "aar"]].head(5)
                    sample = ", ".join(f"{k}/{a}" for k, a in first.itertuples(index=False))
                    problems.append(Problem(
                        "befolkning", f"mangler aldersgruppen {staircase.aldersgruppe} for {len(lacking)} "
                        f"kommune/år med modtagere på trappen '{key}' (fx {sample}).",
                        "Uden befolkningstal kan 'pr. 1.000' ikke beregnes for dem.", advarsel=True))
        return problems
