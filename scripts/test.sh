#!/usr/bin/env bash
# Run every lintra test from a fresh clone, needing only python3:
# create .venv (once), install lintra with its test extras, run the lit suite
# (test/) and then pytest (test/python), after ruff's format and lint checks.
# Set PYTHON to choose the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q -e '.[test]'

# Formatting and lint (ruff, configured in pyproject.toml) before the tests.
.venv/bin/ruff format --check --quiet .
.venv/bin/ruff check --quiet .

.venv/bin/lit -v test
.venv/bin/python -m pytest -q
