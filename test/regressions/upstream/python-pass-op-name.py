# Upstream: a Python-defined pass added with `op_name="builtin.module"` cannot be
# scheduled on a PassManager anchored on builtin.module ("unable to schedule
# pass"), so `ModulePass.add_to` (passes/base.py) leaves `op_name` out: lintra
# passes are added as generic operation passes.
# RUN: %PYTHON %s | FileCheck %s
# CHECK: unable to schedule pass 'ModuleNamed' on a PassManager intended to run on 'builtin.module'
# CHECK: generic pass ran on builtin.module
from mlir import ir
from mlir.passmanager import PassManager

with ir.Context(), ir.Location.unknown():
    module = ir.Module.parse("func.func @f() { return }")
    named = PassManager("builtin.module")
    named.add(lambda op, pass_handle: None, name="ModuleNamed", op_name="builtin.module")
    try:
        named.run(module.operation)
    except ir.MLIRError as error:
        print(error)
    generic = PassManager("builtin.module")
    generic.add(lambda op, pass_handle: print("generic pass ran on", op.name), name="Generic")
    generic.run(module.operation)
