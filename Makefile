# make run: install into .venv on first use, then run the main job on the built-in scenario.
# make test: install, then run the tests (with the doctests in src/ and the tutorials), ruff
#            and mypy --strict.
# make docs: build the documentation site into site/ (mkdocs build --strict: warnings fail).
PYTHON ?= python3
UV_VERSION := 0.13.8
UVDIR := .uvtool
UV := $(UVDIR)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
# Byte-compile at install: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE := 1

.PHONY: install compile run test docs bench clean

$(UV):
	$(PYTHON) -m venv $(UVDIR)
	$(UVDIR)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

compile: install
	@$(VENV)/bin/python -m compileall -q src >/dev/null

run: compile
	$(VENV)/bin/mlf run mlf-1963 --out out/

test: compile
	$(VENV)/bin/python -m pytest -q -n 2
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src

# --inexact keeps what other groups (bench) installed into the same .venv
docs: install
	$(UV) sync --frozen --group docs --inexact
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

bench: install
	$(UV) sync --frozen --group bench
	$(VENV)/bin/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(UVDIR) out site .pytest_cache .mypy_cache .ruff_cache
