"""The `indsatstrappe` command (an edge): Danish commands, what they print, and click in Danish."""

from .commands import cli, main

__all__ = ["cli", "main"]
