# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench templates addin demodata clean libreoffice wheel billeder

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/indsatstrappe demo --ud out

# LibreOffice is the formula-truth oracle for the workbook tests; install it when missing (root here).
# Carlito has Calibri's widths, so LibreOffice breaks pages where Excel does (the workbooks use Calibri).
# Gnumeric (ssconvert) is the second program: every formula must give the same value there too.
libreoffice:
	@{ command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && fc-list | grep -qi carlito \
	   && command -v ssconvert >/dev/null 2>&1; } || { \
	  echo "Installerer LibreOffice (libreoffice-calc-nogui), Carlito og Gnumeric til formeltjek ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito gnumeric >/dev/null) || echo "LibreOffice eller Gnumeric kunne ikke installeres; de tests springes over uden for CI."; }

lint: $(STAMP)
	$(BIN)/ruff check python tests benchmarks docs

# one worker per core; a test file stays on one worker, so its module fixtures are built once
test: $(STAMP) libreoffice lint
	$(BIN)/pytest -q -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

templates: $(STAMP)
	$(BIN)/indsatstrappe skabeloner --ud templates

# The README's pictures, printed by LibreOffice from today's templates (after `make templates`).
billeder: $(STAMP) libreoffice
	$(BIN)/python docs/billeder/tegn.py

addin: $(STAMP)
	$(BIN)/indsatstrappe byg-addin --ud addin/Indsatstrappe.xlam

# The wheel xlwings Lite (requirements.txt) and pip install: dist/indsatstrappe-<version>-py3-none-any.whl
wheel: $(STAMP)
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation -w dist .

# Rebuild the bundled demo data package (deterministic: the same files every time).
demodata: $(STAMP)
	$(BIN)/python -m indsatstrappe.app.demo_generator

clean:
	rm -rf $(VENV) out dist build .pytest_cache .ruff_cache
