"""Indsatstrappen: step distributions, movements, key figures and the expense model for the two
Danish intervention staircases (children and adults)."""

__version__ = "0.1.0"
