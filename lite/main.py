"""Indsatstrappe in xlwings Lite: paste this file into the Lite editor's main.py (and requirements.txt beside it
into its requirements.txt tab). Everything lives in the installed package; this file only makes the functions
and buttons visible to Lite. See the README, section "Excel uden Python: xlwings Lite"."""

from indsatstrappe.xl.lite import (  # noqa: F401
    INDSATS_BEBOERE,
    INDSATS_BEVAEGELSER,
    INDSATS_FORDELING,
    INDSATS_NOEGLETAL,
    INDSATS_NOEGLETAL_SERIE,
    INDSATS_TRIN,
    INDSATS_UDGIFTER,
    bevaegelser,
    fordeling,
    indstillinger,
    noegletal,
    opdater_data,
    udgifter,
    valider,
)
