"""Click's own words (help headings, its errors) in Danish, for the time the command runs: click takes them
through gettext in each of its modules, so they are swapped there and put back afterwards (a library must not
change click for the rest of the process it runs in)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

DANISH = {
    "Usage:": "Brug:", "Options": "Tilvalg", "Commands": "Kommandoer",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "Show the version and exit.": "Vis versionen og afslut.",
    "Missing option {param_hint}": "Tilvalget {param_hint} mangler",
    "Missing argument {param_hint}": "Argumentet {param_hint} mangler",
    "Missing parameter {param_hint}": "Parameteren {param_hint} mangler",
    "Missing option": "Tilvalg mangler", "Missing argument": "Argument mangler",
    "No such option: {name}": "Ukendt tilvalg: {name}",
    "No such option {name!r}.": "Ukendt tilvalg {name!r}.",
    "(Did you mean one of: {possibilities}?)": "(Mente du en af: {possibilities}?)",
    "No such command {name!r}.": "Ukendt kommando {name!r}.",
    "Option {name!r} requires an argument.": "Tilvalget {name!r} skal have en værdi.",
    "Got unexpected extra argument ({args})": "Uventet ekstra argument ({args})",
    "Got unexpected extra arguments ({args})": "Uventede ekstra argumenter ({args})",
    "Invalid value for {param_hint}: {message}": "Ugyldig værdi for {param_hint}: {message}",
    "Try {command!r} for help.": "Prøv {command!r} for hjælp.",
    "Error": "Fejl", "(default: {default})": "(standard: {default})", "default": "standard",
    "required": "skal angives", "default: {default}": "standard: {default}",
    "Did you mean {possibility}?": "Mente du {possibility}?",
    "{value!r} is not {choice}.": "{value!r} er ikke {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} er ikke en af {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldigt tal.",
    "{value} is not in the range {range}.": "{value} er uden for det tilladte ({range}).",
    "{name} {filename!r} does not exist.": "{name} {filename!r} findes ikke.",
    "{name} {filename!r} is a file.": "{name} {filename!r} er en fil, ikke en mappe.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} er en mappe, ikke en fil.",
    "file": "Filen", "directory": "Mappen", "path": "Stien",
}


class DanishCommand(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TILVALG]")
        super().__init__(*args, **kwargs)


class DanishGroup(click.Group):
    command_class = DanishCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TILVALG]")
        kwargs.setdefault("subcommand_metavar", "KOMMANDO [ARGUMENTER]...")
        super().__init__(*args, **kwargs)


MODULES = ("core", "exceptions", "formatting", "decorators", "parser", "types")


def translate(message: str) -> str:
    return DANISH.get(message, message)


def _plural(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


@contextmanager
def danish_click() -> Iterator[None]:
    """Click speaks Danish inside the block; its own words are back after it, also after an exception."""
    swapped = []  # (module, name, the original)
    for module in MODULES:
        mod = getattr(click, module, None) or sys.modules.get(f"click.{module}")
        if mod is not None and hasattr(mod, "_"):
            swapped.append((mod, "_", mod._))
            mod._ = translate
        if mod is not None and hasattr(mod, "ngettext"):  # "is not one of", "Did you mean"
            swapped.append((mod, "ngettext", mod.ngettext))
            mod.ngettext = _plural
    try:
        yield
    finally:
        for mod, name, original in reversed(swapped):
            setattr(mod, name, original)
