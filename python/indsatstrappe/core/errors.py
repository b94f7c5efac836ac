"""Problems found in a user's input, worded in Danish for the person who has to fix them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and what to do."""

    fil: str
    fejl: str
    raad: str = ""
    raekke: int | None = None  # the row as the user sees it (header is row 1)
    kolonne: str | None = None
    advarsel: bool = False  # a warning does not stop the run

    def tekst(self) -> str:
        where = [self.fil]
        if self.raekke is not None:
            where.append(f"række {self.raekke}")
        if self.kolonne:
            where.append(f"kolonne '{self.kolonne}'")
        head = "Advarsel" if self.advarsel else "Fejl"
        text = f"{head}: {', '.join(where)}: {self.fejl}"
        if self.raad:
            text += f" {self.raad}"
        return text


class InputError(Exception):
    """Bad input: carries every problem found, so the user can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if not p.advarsel]
        self.warnings = [p for p in problems if p.advarsel]
        super().__init__("\n".join(p.tekst() for p in self.problems))

    def __reduce__(self):
        # rebuilt from its problems when it crosses from a worker process (pickle would pass the message)
        return type(self), (self.problems + self.warnings,)

    @classmethod
    def single(cls, fil: str, fejl: str, raad: str = "", **where) -> InputError:
        return cls([Problem(fil=fil, fejl=fejl, raad=raad, **where)])


def raise_if_errors(problems: list[Problem]) -> None:
    if any(not p.advarsel for p in problems):
        raise InputError(problems)
