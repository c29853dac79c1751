"""lintra-lower-to-llvm: lower tensor-level code to the LLVM dialect.

Input: a `builtin.module` of `func.func`s over f32/f64 scalars and static ranked
tensors (index/i1/i32/i64 scalars too), using arith, math, tensor, linalg
(named ops, `linalg.map`/`reduce`/`generic`) and func. Output: the same module
in the LLVM dialect, runnable with `mlir.execution_engine` or `mlir-runner`. Before:

    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %y = math.sin %x : tensor<4xf32>
      return %y : tensor<4xf32>
    }

after (abridged):

    llvm.func @f(%arg0: !llvm.ptr, ..., %arg4: i64) -> !llvm.struct<(ptr, ptr, i64, ...)>
        attributes {llvm.emit_c_interface} {
      %0 = llvm.call @malloc(...)      // result buffer, owned by the caller
      ...                              // a loop of llvm.intr.sin
    }
    llvm.func @_mlir_ciface_f(%arg0: !llvm.ptr, %arg1: !llvm.ptr) ...

Contract:
- every public `func.func` with a body gets `llvm.emit_c_interface`;
- function boundaries are bufferized with identity layouts: a tensor argument
  or result becomes a plain `memref<...>` descriptor. Tensor results are fresh
  heap buffers owned by the caller; the callee may write into its argument
  buffers (callers that care pass copies);
- every buffer allocated inside a function is freed (ownership-based
  deallocation), so calling a lowered function in a loop does not leak;
- math ops become LLVM intrinsics, except `erf`, `log1p` and `expm1`, which
  become libm calls (`erff`, `log1p`, ...) for accuracy, and `fpowi`/`ipowi`,
  which become outlined loops. The JIT resolves libm from the host process;
  `memref.copy` of strided buffers calls `memrefCopy` from
  `libmlir_c_runner_utils` (see `runtime_libraries()`).
- libm names (`sin`, `erff`, `expm1`, ...) are reserved: a user function of
  that name would capture the calls. Calls between functions are inlined, and
  private functions left unused are dropped (lintra-ad's generated functions
  may pass masks, tensors of i1, to each other; inlined, those are SSA values
  that fusion folds away instead of buffers).
- `lintra.stop_gradient` ops become their operands, custom-rule attributes
  (`lintra.jvp`, `lintra.transpose`) and the functions only they use go, and a
  call of a declaration known only by its transpose is an error;
- with the option `max-buffer-bytes` (0: unchecked), a static buffer larger than
  that is a `BufferTooLarge` error at its allocation (lintra.runtime sets it to
  the memory available, so malloc never returns null in compiled code);
- memrefs of i1 (tensors of i1 that reach memory, and the ownership flags of
  the deallocation of buffers yielded by scf.for/scf.if/scf.while) become
  memrefs of i8 before the LLVM stage (`store_i1_as_i8`), since this MLIR
  build's finalize-memref-to-llvm aborts on them
  (test/regressions/upstream/finalize-memref-to-llvm-i1.mlir). A tensor<Nxi1>
  at a public function boundary is therefore a buffer of N bytes, 0 or 1
  (numpy's bool).

`run` has four upstream stages (`INLINE_PASSES`, `PRE_PASSES`, `BUFFER_PASSES`,
`LLVM_PASSES`) and Python steps between them: before `PRE_PASSES`, producers of
i1 tensors get one use each (so fusion folds them into their consumers) and
linalg.copy becomes a generic (upstream fusion aborts on a copy of a 0-d
constant); after `PRE_PASSES` (elementwise tensor ops become fused
`linalg.generic`s), scalar `math.expm1` is routed to libm, since
`convert-math-to-llvm` emits the inaccurate `exp(x) - 1` and
`convert-math-to-libm` cannot run first (it rejects `math.copysign` and emits
a nonexistent `rsqrtf`); before `LLVM_PASSES`, memrefs of i1 become memrefs
of i8.
Each upstream bug worked around here has a reproducer running the stock tools
in test/regressions/upstream/ (named at each workaround below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from mlir import ir
from mlir.dialects import func
from mlir.passmanager import PassManager

from .base import ModulePass, option
from .core.custom_rules import check_evaluable, forward_stop_gradients, strip_custom_rules
from .core.emit import Emitter
from .core.structured import PARALLEL, build_generic, identity_dims
from .diagnostics import LintraError
from .i1_memrefs import store_i1_as_i8

# The upstream stages run by `LintraLowerToLlvm.run` (see the module docs).
# symbol-dce: private functions left unused by the inliner (test/regressions/
# second-order-mask-residual-lowering.mlir).
INLINE_PASSES = "inline,symbol-dce"
# Fusion runs after folding unit dims: without it, fusion can keep a producer's
# init as an output that later iterations re-accumulate (an upstream miscompile:
# test/regressions/upstream/fuse-elementwise-keeps-read-init-as-output.mlir).
PRE_PASSES = (
    "func.func(convert-elementwise-to-linalg,linalg-fold-unit-extent-dims,linalg-fuse-elementwise-ops)"
)
# Tensors to buffers, function boundaries with identity layouts (shared with
# lintra-lower-to-nvvm).
BUFFERIZE_PASS = (
    "one-shot-bufferize{allow-return-allocs-from-loops bufferize-function-boundaries"
    " function-boundary-type-conversion=identity-layout-map}"
)
BUFFER_PASSES = (
    f"{BUFFERIZE_PASS},"
    "buffer-deallocation-pipeline,"
    "convert-bufferization-to-memref,"
    "canonicalize,"
    "func.func(convert-linalg-to-loops),"
    "expand-strided-metadata,"
    "lower-affine,"
    "convert-math-to-funcs,"
    "convert-math-to-llvm{approximate-log1p=false},"
    "convert-math-to-libm,"
    "convert-scf-to-cf"
)
LLVM_PASSES = "finalize-memref-to-llvm,convert-to-llvm,reconcile-unrealized-casts"

C_INTERFACE_ATTR = "llvm.emit_c_interface"

# Scalar math ops sent to libm by `route_to_libm`: op name -> (f32 name, f64 name).
# convert-math-to-llvm lowers expm1 as exp(x) - 1
# (test/regressions/upstream/math-to-llvm-expm1.mlir), and convert-math-to-libm
# cannot run first: it emits calls of a nonexistent `rsqrtf`
# (test/regressions/upstream/math-to-libm-rsqrt.mlir).
LIBM_ROUTED = {"math.expm1": ("expm1f", "expm1")}


def runtime_libraries() -> list[str]:
    """Shared libraries lowered code may call (for ExecutionEngine/mlir-runner)."""
    lib_dir = Path(ir.__file__).parent / "lib"  # `mlir` is a namespace package
    return [str(lib_dir / "libmlir_c_runner_utils.so")]


def add_c_interface(module: ir.Operation) -> None:
    """Mark every public `func.func` that has a body with `llvm.emit_c_interface`."""
    for op in module.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "func.func" or len(op.regions[0].blocks) == 0:
            continue
        if "sym_visibility" in op.attributes and op.attributes["sym_visibility"].value != "public":
            continue
        op.attributes[C_INTERFACE_ATTR] = ir.UnitAttr.get(op.context)


def route_to_libm(module: ir.Operation, where=None) -> None:
    """Replace scalar f32/f64 ops of `LIBM_ROUTED` by calls to libm functions
    (only the ops for which `where(op)` is true, if given)."""
    found = []

    def collect(op):
        if op.name in LIBM_ROUTED and (where is None or where(op)):
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(collect)
    if not found:
        return
    body = module.regions[0].blocks[0]
    symbols = ir.SymbolTable(module)
    for op in found:
        result_type = op.results[0].type
        if not isinstance(result_type, (ir.F32Type, ir.F64Type)):
            continue  # tensors were made scalar by PRE_PASSES; leave anything else
        f32_name, f64_name = LIBM_ROUTED[op.name]
        callee = f32_name if isinstance(result_type, ir.F32Type) else f64_name
        operand_types = [operand.type for operand in op.operands]
        function_type = ir.FunctionType.get(operand_types, [result_type])
        if callee in symbols:
            existing = symbols[callee].operation
            if existing.name != "func.func" or "sym_visibility" not in existing.attributes:
                raise LintraError.at(existing, f"symbol '{callee}' is reserved for libm")
        else:
            with ir.Location.unknown(op.context):
                declaration = func.FuncOp(
                    callee, function_type, visibility="private", ip=ir.InsertionPoint.at_block_begin(body)
                )
                declaration.attributes["llvm.readnone"] = ir.UnitAttr.get()
            symbols.insert(declaration)
        call = func.CallOp(
            [result_type], callee, list(op.operands), loc=op.location, ip=ir.InsertionPoint(op)
        )
        op.results[0].replace_all_uses_with(call.results[0])
        op.erase()


def generalize_copies(module: ir.Operation) -> None:
    """Rewrite linalg.copy as the equivalent linalg.generic.

    Upstream linalg-fuse-elementwise-ops aborts the process on a copy of a 0-d
    constant (test/regressions/upstream/fuse-elementwise-copy-of-0d-constant.mlir);
    on generics it is fine. Other named ops stay named (generalizing
    them all lets fusion pull fills into matmuls, 2.5x slower here).
    """
    copies = []

    def collect(op):
        if op.name == "linalg.copy":
            copies.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(collect)
    for op in copies:
        source, init = op.operands
        rank = init.type.rank
        b = Emitter(ir.InsertionPoint(op), op.location)
        result = build_generic(
            b,
            [source],
            [init],
            [identity_dims(rank)] * 2,
            rank,
            [PARALLEL] * rank,
            lambda inner, args: [args[0]],
        )[0]
        op.results[0].replace_all_uses_with(result)
        op.erase()


def is_i1_tensor(value_type) -> bool:
    return (
        isinstance(value_type, ir.RankedTensorType)
        and isinstance(value_type.element_type, ir.IntegerType)
        and value_type.element_type.width == 1
    )


def split_i1_tensor_uses(module: ir.Operation) -> None:
    """Give every op producing a tensor of i1 a single use, by cloning it per use.

    Elementwise fusion then folds each (cheap) comparison into its consumer, so
    masks are recomputed where used instead of stored as buffers (of i8, see
    `store_i1_as_i8`).
    """
    changed = True
    while changed:
        changed = False
        producers = []

        def collect(op, producers=producers):
            if len(op.results) == 1 and is_i1_tensor(op.results[0].type) and not op.regions:
                producers.append(op)
            return ir.WalkResult.ADVANCE

        module.walk(collect)
        for op in producers:
            uses = list(op.results[0].uses)
            for use in uses[1:]:
                clone = op.clone(ip=ir.InsertionPoint(use.owner))
                use.owner.operands[use.operand_number] = clone.results[0]
                changed = True


def buffer_bytes(buffer_type: ir.MemRefType) -> int:
    """The size of a statically shaped buffer (index elements count as 8 bytes)."""
    element = buffer_type.element_type
    width = element.width if isinstance(element, (ir.IntegerType, ir.FloatType)) else 64
    return math.prod(buffer_type.shape) * -(-width // 8)


class BufferTooLarge(LintraError):
    """A buffer larger than the memory available (see `check_buffer_sizes`)."""


def check_buffer_sizes(module: ir.Operation, limit: int) -> None:
    """Raise BufferTooLarge at the first `memref.alloc` of a static buffer larger
    than `limit` bytes: malloc would return null and the code would write
    through it (a segmentation fault) instead of failing."""
    too_large = []

    def check(op):
        if (
            op.name == "memref.alloc"
            and op.results[0].type.has_static_shape
            and buffer_bytes(op.results[0].type) > limit
        ):
            too_large.append(op)
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module.walk(check)
    if too_large:
        buffer_type = too_large[0].results[0].type
        raise BufferTooLarge(
            f"'memref.alloc' op needs a buffer of {buffer_bytes(buffer_type)} bytes "
            f"({buffer_type}), more than the {limit} bytes of memory available",
            too_large[0].location,
        )


def run_pipeline(module: ir.Operation, passes: str, target: str = "LLVM") -> None:
    """Run upstream `passes` on `module`, turning failure into a LintraError
    ("lowering to `target` failed: ...")."""
    pass_manager = PassManager.parse(f"builtin.module({passes})", context=module.context)
    try:
        pass_manager.run(module)
    except ir.MLIRError as error:
        raise LintraError.from_mlir(error, f"lowering to {target} failed", module.location) from None


def prepare_tensor_code(module: ir.Operation, target: str = "LLVM") -> None:
    """The tensor-level stages shared by the CPU and GPU lowerings: C interfaces,
    inlining, the i1-mask and copy workarounds, then `PRE_PASSES` (fused generics).

    Nothing is differentiated after lowering: stop_gradient ops become their
    operands, custom rules go (their functions with them, by symbol-dce), and a
    call of a function known only by its transpose is an error."""
    forward_stop_gradients(module)
    strip_custom_rules(module)
    add_c_interface(module)
    run_pipeline(module, INLINE_PASSES, target)
    check_evaluable(module)
    split_i1_tensor_uses(module)
    generalize_copies(module)
    run_pipeline(module, PRE_PASSES, target)


@dataclass(frozen=True)
class LintraLowerToLlvm(ModulePass):
    argument: ClassVar[str] = "lintra-lower-to-llvm"
    description: ClassVar[str] = (
        "Lower linalg/tensor/arith/math/func on tensors to the LLVM dialect"
        " (bufferize, deallocate, loops, libm), with C interfaces on public functions"
    )
    max_buffer_bytes: int = option(
        0,
        "a static buffer larger than this many bytes is an error"
        " (BufferTooLarge) instead of a null pointer at run time"
        " (0: unchecked)",
    )
    # Preloaded by lintra.passes.pipeline before an outer PassManager runs.
    nested_pipelines: ClassVar[tuple[str, ...]] = tuple(
        f"builtin.module({passes})" for passes in (INLINE_PASSES, PRE_PASSES, BUFFER_PASSES, LLVM_PASSES)
    )

    def run(self, module: ir.Operation) -> None:
        prepare_tensor_code(module)
        route_to_libm(module)
        run_pipeline(module, BUFFER_PASSES)
        store_i1_as_i8(module)
        if self.max_buffer_bytes:
            check_buffer_sizes(module, self.max_buffer_bytes)
        run_pipeline(module, LLVM_PASSES)
