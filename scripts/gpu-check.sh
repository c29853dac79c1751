#!/usr/bin/env bash
# The GPU check, in two steps (see README, "GPU check"):
#   scripts/gpu-check.sh prepare   on an ordinary machine (lintra's .venv): export the GPU test
#                                  programs and the GPU benchmark for CUDA, their inputs and JAX's
#                                  reference outputs, and the iree-base-runtime wheel for the GPU
#                                  machine's Python 3.12, into build/gpu-check (< 64 MiB)
#   scripts/gpu-check.sh run       on the GPU machine: install that wheel (pip --no-index, into
#                                  build/gpu-check/site), run every program against its reference
#                                  and the benchmark against JAX where JAX is installed; prints
#                                  one summary line last, exits 1 on a failure
# Extra arguments go to scripts/gpu_check_prepare.py / scripts/gpu_check_run.py.
# Set PYTHON for `run` to choose the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=build/gpu-check

case "${1:-}" in
  prepare)
    shift
    if [ ! -x .venv/bin/python ]; then
      "${PYTHON:-python3}" -m venv .venv
      .venv/bin/python -m pip install -q -e '.[test]'
    fi
    .venv/bin/python scripts/gpu_check_prepare.py --out "$DIR" "$@"
    ;;
  run)
    shift
    PYTHON="${PYTHON:-python3}"
    wheel=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["wheel"] or "")' "$DIR/manifest.json")
    if [ -n "$wheel" ]; then
      "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target "$DIR/site" "$DIR/$wheel" >&2
      export PYTHONPATH="$PWD/$DIR/site${PYTHONPATH:+:$PYTHONPATH}"
    fi
    PYTHONUNBUFFERED=1 "$PYTHON" scripts/gpu_check_run.py --dir "$DIR" "$@"
    ;;
  *)
    echo "usage: $0 prepare|run [options]" >&2
    exit 2
    ;;
esac
