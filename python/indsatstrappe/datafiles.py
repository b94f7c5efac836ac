"""Where the packaged data files live (definitions are data, shipped inside the package)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
DEMO_DIR = DATA_DIR / "demo"


def packaged(name: str) -> Path:
    return DATA_DIR / name
