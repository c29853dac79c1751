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
    # IREE's cuda driver opens "libcuda.so" (no version suffix); where the driver is
    # installed as libcuda.so.1 only, point a libcuda.so beside the wheel at it.
    if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then
      real=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 .*x86-64/ {print $NF; exit}' || true)
      for candidate in /usr/local/nvidia/lib64/libcuda.so.1 /usr/lib/x86_64-linux-gnu/libcuda.so.1; do
        if [ -z "$real" ] && [ -e "$candidate" ]; then real=$candidate; fi
      done
      if [ -n "$real" ]; then
        mkdir -p "$DIR/lib" && ln -sf "$real" "$DIR/lib/libcuda.so"
        export LD_LIBRARY_PATH="$PWD/$DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      fi
    fi
    PYTHONUNBUFFERED=1 "$PYTHON" scripts/gpu_check_run.py --dir "$DIR" "$@"
    ;;
  *)
    echo "usage: $0 prepare|run [options]" >&2
    exit 2
    ;;
esac
