# `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SEED := fixtures/seeds/000_f72e3418c6e8cf22.txt

.PHONY: install bytecode demo test bench clean

install: $(STAMP) bytecode

# An editable install leaves the package's bytecode to be written on first
# import, which PYTHONDONTWRITEBYTECODE (set on some machines and in CI)
# forbids: every process would then compile ~40 modules (~55 ms of a 0.5 s
# start).  pip compiles a regular install; this does the same, and only
# recompiles what changed.
bytecode: $(STAMP)
	$(PY) -m compileall -q cleaner

# The integrations' extras are installed too: their tests run in `make test`.
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,scrapy,spark,datatrove,datasets]'
	touch $(STAMP)

demo: install
	@echo "== clean $(SEED)"
	@$(VENV)/bin/clean $(SEED)
	@echo
	@echo "== what was removed, and by which rule"
	@$(VENV)/bin/clean --format json $(SEED) | $(PY) -c 'import json, sys; [print("{:17} {:34} {}  {!r}".format(x["category"], x["rule"], x["lang"], x["text"][:60])) for x in json.load(sys.stdin)["removed"]]'

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/langid.py
	$(PY) bench/mixed.py
	$(PY) bench/scrapinghub.py
	$(PY) bench/readability.py
	$(PY) bench/sites.py
	$(PY) bench/stages.py
	$(PY) bench/batch.py
	$(PY) bench/fuzz.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
