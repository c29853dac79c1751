#!/usr/bin/env bash
# Differentiate examples/grad_example.mlir and run it: creates .venv (once),
# installs lintra, then
#   lintra-opt examples/grad_example.mlir --lintra-ad --lintra-lower-to-llvm | mlir-runner
# which prints the gradient of f(x) = sum(sin(x) * x) at x = [0, 0.5, 1, 2].
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q -e .

MLIR_DIR="$(.venv/bin/python -c 'import mlir; print(list(mlir.__path__)[0])')"
.venv/bin/lintra-opt examples/grad_example.mlir --lintra-ad --lintra-lower-to-llvm \
  | "$MLIR_DIR/bin/mlir-runner" -e main -entry-point-result=void \
      -shared-libs="$MLIR_DIR/lib/libmlir_runner_utils.so,$MLIR_DIR/lib/libmlir_c_runner_utils.so"
