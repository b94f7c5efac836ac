"""Excel functions (xlwings UDFs). Each is a few lines: raw 2-D values in, `sheetfunctions` does the
work. Import them in Excel with the xlwings add-in ('UDF Modules' = indsatstrappe.xl.udfs)."""

import xlwings as xw

from ..app import sheetfunctions as sf


@xw.func
def INDSATS_TRIN(kode, trappe="boern"):
    """Trinnet for en indsatskode, fx ANBAAR12:21."""
    return sf.step_of(kode, trappe)


@xw.func
@xw.arg("koder", ndim=2)
@xw.ret(expand="table")
def INDSATS_FORDELING(koder, trappe="boern"):
    """Fordelingen på trin af et område med to kolonner: indsats og antal."""
    return sf.distribution_of(koder, trappe)


@xw.func
def INDSATS_NOEGLETAL(noegletal_id, kommune, aar):
    """Et nøgletal for en kommune og et år (datamappen i INDSATSTRAPPE_DATA, ellers demodata)."""
    return sf.key_figure(noegletal_id, kommune, aar)


@xw.func
@xw.ret(expand="table")
def INDSATS_NOEGLETAL_SERIE(noegletal_id, kommune):
    """Et nøgletal for en kommune år for år (to kolonner: år og værdi)."""
    return sf.key_figure_series(noegletal_id, kommune)


@xw.func
@xw.arg("konti", ndim=2)
@xw.ret(expand="table")
def INDSATS_UDGIFTER(konti, trappe="boern"):
    """Konti (funktion, gruppering, dranst, beløb) fordelt på trin med standardnøglen."""
    return sf.expense_allocation(konti, trappe)


@xw.func
@xw.arg("forloeb", ndim=2)
@xw.ret(expand="table")
def INDSATS_BEVAEGELSER(forloeb, trappe, fra, til):
    """Overgangsmatrix (fra_trin, til_trin, antal) for forløb (borger_id, indsats, start, slut)."""
    return sf.transition_matrix(forloeb, trappe, fra, til)


@xw.func
@xw.arg("forloeb", ndim=2)
@xw.ret(expand="table")
def INDSATS_BEBOERE(forloeb, aar):
    """Beboere på trin 7-8 (botilbud efter § 107 og § 108) og hvor de står et år efter, pr. botilbud
    (forløb: borger_id, indsats, start, slut, tilbud)."""
    return sf.resident_movements(forloeb, aar)
