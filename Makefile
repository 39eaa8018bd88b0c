# The two commands of the README: `make demo` and `make test`. Both install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.browser

.PHONY: demo test install lint bench clean

# Debian's chromium drives the page tests (through Playwright, never `playwright install`).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What the main job needs: the Python packages (demo, run, serve). No system packages.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $(STAMP)

# Only the page tests drive a browser: `make test` installs Debian's chromium, `make demo` not.
$(BROWSER): $(STAMP)
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		echo "warning: chromium could not be installed: the page tests will be skipped"
	touch $(BROWSER)

install: $(STAMP)

# The main job on the bundled example corpus, through the pipeline (`storylens run`: ingest,
# dedupe, cluster, enrich, compare). The corpus holds a few deliberately broken files, so run
# exits 3 (some inputs failed) and the problems are listed: that is the expected result.
demo: $(STAMP)
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/storylens run examples/corpus --db demo.db || test $$? -eq 3
	$(BIN)/storylens stats --db demo.db
	COLUMNS=120 $(BIN)/storylens stories --db demo.db
	@echo
	@echo "The comparison of the largest story:"
	COLUMNS=140 $(BIN)/storylens compare --db demo.db --kinds claim,quote \
		$$($(BIN)/storylens stories --db demo.db --json --limit 1000 \
		   | $(BIN)/python -c "import json,sys; print(max(json.load(sys.stdin), key=lambda s: s['size'])['id'])")
	@echo
	@echo "Next: $(BIN)/storylens story ID --db demo.db, compare ID, claims --story ID, quotes,"
	@echo "      entities, why ARTICLE, dupes, search 'dockers strike'"
	@echo
	@echo "Open the web app on these stories: $(BIN)/storylens serve --db demo.db"
	@echo "then http://127.0.0.1:8000 in a browser (Ctrl+C stops the server)."

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint $(BROWSER)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_finescoop.py
	$(BIN)/python benchmarks/cluster_finescoop.py
	$(BIN)/python benchmarks/belarus_stories.py
	$(BIN)/python benchmarks/web_story.py
	$(BIN)/python benchmarks/live_add.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
