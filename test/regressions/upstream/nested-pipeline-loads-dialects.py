# Upstream (llvm/llvm-project#62426): a pass that runs a PassManager whose
# passes need dialects not yet loaded aborts the process (assertion "appending
# to the MLIRContext dialect registry while in a multi-threaded execution
# context"), even with multithreading disabled.
# Workaround: `preload_nested_pipelines` in passes/pipeline.py runs each lintra
# pass's `nested_pipelines` once on an empty module before the outer PassManager
# starts.
# RUN: not --crash %PYTHON %s
from mlir import ir
from mlir.passmanager import PassManager

context = ir.Context()
context.load_all_available_dialects()
context.enable_multithreading(False)
with context, ir.Location.unknown():
    module = ir.Module.parse("func.func @f(%x: tensor<4xf64>) -> tensor<4xf64> { return %x : tensor<4xf64> }")

    def lower(op, pass_handle):
        PassManager.parse(
            "builtin.module(one-shot-bufferize{bufferize-function-boundaries},convert-to-llvm)"
        ).run(op)

    outer = PassManager("builtin.module")
    outer.add(lower, name="Lower", argument="lower")
    outer.run(module.operation)
