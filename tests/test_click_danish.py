"""#31.7: click speaks Danish while the command runs, and click is as it was afterwards (the library may run in
a process that uses click for something else)."""

from __future__ import annotations

import sys

import click
import pytest

from indsatstrappe.cli.danish import MODULES, danish_click


def _gettexts() -> dict:
    mods = [getattr(click, m, None) or sys.modules.get(f"click.{m}") for m in MODULES]
    return {(m.__name__, name): getattr(m, name) for m in mods if m is not None for name in ("_", "ngettext")
            if hasattr(m, name)}


def test_click_speaks_danish_inside_and_is_itself_again_after_an_error():
    before = _gettexts()
    with pytest.raises(click.NoSuchOption), danish_click():
        error = click.NoSuchOption("--hjaelp", possibilities=["--help"])
        assert error.format_message().startswith("Ukendt tilvalg '--hjaelp'.") and "Mente du" in error.format_message()
        raise error
    assert _gettexts() == before
    assert click.NoSuchOption("--x").format_message() == "No such option '--x'."


def test_the_cli_leaves_click_as_it_found_it(capsys):
    from indsatstrappe.cli.commands import main

    before = _gettexts()
    with pytest.raises(SystemExit) as exit_:
        main(["fordeling", "--hjaelp"])
    assert exit_.value.code == 2 and "Ukendt tilvalg" in capsys.readouterr().err
    assert _gettexts() == before
