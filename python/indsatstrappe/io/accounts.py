"""Account exports as municipal finance systems write them: one account-string column plus an amount.

The account string is read by `kontoplan.parse_account`. Amounts may be Danish (`1.234.567,89`, minus as `-`
or in parentheses).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import danish
from ..core.errors import InputError, Problem, raise_if_errors
from ..core.kontoplan import DRANSTER, parse_account
from . import privacy
from .contracts import MAX_PER_COLUMN, parse_numbers
from .rawtable import RawTable, read_csv_table, read_xlsx_table, xlsx_sheets

ACCOUNT_HEADERS = ("konto", "kontonummer", "kontostreng", "konto_nr", "kontonr", "account")
AMOUNT_HEADERS = ("beloeb", "beløb", "regnskab", "amount", "bogført", "bogfoert", "netto")
def _find_column(raw: RawTable, names: tuple[str, ...], what: str) -> str:
    for col in raw.data.columns:
        if col in names or any(col.startswith(n) for n in names):
            return col
    raise InputError.single(raw.fil, f"finder ingen kolonne med {what}.",
                            f"Giv kolonnen en overskrift som {', '.join(names[:3])}. "
                            f"Fundne kolonner: {', '.join(raw.data.columns)}.")


def read_account_export(path: Path, kommune: int, aar: int) -> tuple[pd.DataFrame, list[Problem]]:
    """The contract's `regnskab` rows from an export of one municipality's accounts for one year, and
    warnings (an account on several lines is summed, and said so)."""
    path = Path(path)
    if not path.exists():
        raise InputError.single(str(path), "findes ikke.", "Angiv stien til regnskabsudtrækket.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw = read_xlsx_table(path, xlsx_sheets(path)[0])
    else:
        raw = read_csv_table(path)
    account_col = _find_column(raw, ACCOUNT_HEADERS, "kontonumre")
    amount_col = _find_column(raw, AMOUNT_HEADERS, "beløb")
    df = raw.data
    problems: list[Problem] = []
    parsed = df[account_col].map(parse_account)
    amounts = parse_numbers(df[amount_col], raw.danish_numbers or "," in "".join(df[amount_col].head(50)))
    bad_account = parsed.isna()
    for n, idx in enumerate(df.index[bad_account]):
        if n == MAX_PER_COLUMN:
            problems.append(Problem(raw.fil, f"{int(bad_account.sum()) - n} rækker mere har ukendte kontonumre.",
                                    kolonne=account_col))
            break
        problems.append(Problem(
            raw.fil, f"'{privacy.mask(df.at[idx, account_col])}' er ikke et kontonummer i den autoriserede "
            "kontoplan.", "Skriv kontoen som 528211002 (funktion 5.28.21, dranst 1, gruppering 002) eller "
            "5.28.21.1.002.", int(idx) + raw.first_row, account_col))
    bad_amount = amounts.isna()
    for n, idx in enumerate(df.index[bad_amount]):
        if n == MAX_PER_COLUMN:
            break
        problems.append(Problem(raw.fil, f"'{df.at[idx, amount_col]}' er ikke et beløb.",
                                "Skriv beløbet som tal, fx 1.234.567,89 eller (1.234,00).", int(idx) + raw.first_row,
                                amount_col))
    bad_dranst = parsed.map(lambda p: p is not None and p[1] not in DRANSTER)
    for idx in df.index[bad_dranst][:MAX_PER_COLUMN]:
        problems.append(Problem(raw.fil, f"ukendt dranst '{parsed[idx][1]}' i kontoen '{df.at[idx, account_col]}'.",
                                "Brug dranst 1 (drift) eller 2 (statsrefusion).", int(idx) + raw.first_row,
                                account_col))
    ok = ~(bad_account | bad_amount | bad_dranst)
    rows = pd.DataFrame({
        "kommune_kode": kommune, "aar": aar,
        "funktion": parsed[ok].map(lambda p: p[0]), "gruppering": parsed[ok].map(lambda p: p[2]),
        "dranst": parsed[ok].map(lambda p: p[1]), "beloeb": amounts[ok], "_row": df.index[ok] + raw.first_row,
    })
    key = ["funktion", "gruppering", "dranst"]
    raise_if_errors(problems)
    warnings = []
    repeated = rows[rows.duplicated(key, keep=False)]
    for _, group in repeated.groupby(key):  # an export may split an account over several lines: never drop one
        warnings.append(Problem(
            raw.fil, f"kontoen {group['funktion'].iloc[0]} dranst {group['dranst'].iloc[0]} gruppering "
            f"{group['gruppering'].iloc[0] or '(ingen)'} står i rækkerne {', '.join(str(r) for r in group['_row'])}; "
            f"beløbene er lagt sammen ({danish.decimal(group['beloeb'].sum(), 2)} kr.).",
            "Tjek at rækkerne ikke er den samme linje to gange.", int(group["_row"].iloc[0]), advarsel=True))
    summed = rows.groupby(["kommune_kode", "aar", *key], as_index=False, sort=False)["beloeb"].sum()
    return summed.reset_index(drop=True), warnings
