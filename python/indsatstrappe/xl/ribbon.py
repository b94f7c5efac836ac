"""Ribbon callbacks (called by the package's addin/vba/Ribbon.bas through xlwings' RunPython): a port and a handler."""

from ..app import handlers
from .book import XlwingsBook


def opdater_data():
    handlers.opdater_data(XlwingsBook.active())


def hent_data():
    handlers.hent_data(XlwingsBook.active())


def valider():
    handlers.valider(XlwingsBook.active())


def fordel_udgifter():
    handlers.fordel_udgifter(XlwingsBook.active())


def udsend():
    handlers.udsend(XlwingsBook.active())


def om():
    handlers.om(XlwingsBook.active())
