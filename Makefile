# Two commands for a new user (see README.md):
#   make serve   set up .venv and node_modules, then serve the site on http://127.0.0.1:8000
#   make test    set up everything the tests need, then run the whole test suite
# Other targets: make build (strict build into site/), make bench, make clean, and for
# the board: make review, make diff OLD=<revision or folder> [NEW=...], make release.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup setup-test serve build test bench clean review diff release

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Node (for Pyodide's runtime files, prepared at build time) and npm: say what to install.
node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "Node.js 20 (or later) and npm are missing: run 'sudo apt-get install nodejs npm' (Debian/Ubuntu;" \
	       "on an older release install Node 20 from https://nodejs.org) and try again." >&2; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' || { \
	  echo "Node.js $$(node --version) is too old: Node 20 or later is needed (https://nodejs.org)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: node_modules/.installed $(BIN)/.installed   # Node first: a missing Node is reported before the slow pip install

# Browser tests use Debian's Chromium (Playwright cannot download browsers here).
setup-test: setup
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian/Ubuntu) and try again." >&2; exit 1; fi; }

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(BIN)/mkdocs build --strict

test: setup-test
	$(BIN)/python -m pytest

# One build for the checker's figures (start-up, bytes, Lighthouse), so they describe the same site.
bench: setup-test
	rm -rf .cache/bench-site && $(BIN)/mkdocs build --strict -d .cache/bench-site
	$(BIN)/python bench/checker_startup.py --site .cache/bench-site
	$(BIN)/python bench/site_bytes.py --site .cache/bench-site
	$(BIN)/python bench/lighthouse.py --site .cache/bench-site
	$(BIN)/python bench/assess.py
	$(BIN)/python bench/teacher_tasks.py

review: setup
	$(BIN)/python -m hsb_review review

diff: setup
	@test -n "$(OLD)" || { echo "Say which version to compare with: make diff OLD=<git revision or folder> [NEW=...]" >&2; exit 2; }
	$(BIN)/python -m hsb_review diff $(OLD) $(NEW)

release: setup-test
	$(BIN)/python -m hsb_review release

clean:
	rm -rf site site.building .cache build dist *.egg-info
