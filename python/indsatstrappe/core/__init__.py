"""The pure domain: staircases, coverage, distributions, movements, key figures, expenses, scenarios, botilbud,
small-count suppression and its check. pandas in, pandas out; no file format, no Excel (ARCHITECTURE.md)."""
