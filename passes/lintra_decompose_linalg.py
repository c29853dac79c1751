"""lintra-decompose-linalg: rewrite the lintra linear-algebra ops into scf and linalg.

Each `lintra.cholesky`, `lintra.triangular_solve`, `lintra.lu` and
`lintra.lu_pivots_to_permutation` (contracts in dialect/lintra.irdl.mlir) is
checked (a located error for bad shapes or types) and replaced by upstream ops:
a left-looking blocked Cholesky whose diagonal blocks are factored by an
scf.for of four-column steps, triangular solves with no loop (inverted
diagonal blocks, all other work in `linalg.matmul`s: `core/triangular.py`),
and an unblocked LU with partial pivoting (`core/factorizations.py`); leading
batch dimensions become an scf.for over the matrices. `lintra-ad` runs this
pass last (unless its option `keep-linalg-ops` is set), so its output is
upstream-only; differentiation happens before, on the lintra ops, by their rules.

Before:
    %l = "lintra.cholesky"(%a) : (tensor<8x8xf64>) -> tensor<8x8xf64>
After (block >= 8: one diagonal block, so only the kernel):
    %0 = scf.for %i = %c0 to %c2 step %c1 iter_args(%t = %a) -> (tensor<8x8xf64>) {
      %j = arith.muli %i, %c4 : index
      %col0 = tensor.extract_slice %t[0, %j] [8, 1] [1, 1] : tensor<8x8xf64> to tensor<8xf64>
      ...                                  // columns j..j+3, pivot entries as 0-d slices
      %u = linalg.generic ... ins(%t, %col0, ..., %p00, ...)  // the 4x4 pivot's factor,
      scf.yield %u : tensor<8x8xf64>     // columns j..j+3 of L, the trailing update
    }
    %l = linalg.generic ... ins(%0 ...)     // select(row >= col, %0, 0): the lower triangle
Repeated ops (same operands and attributes, after canonicalize and cse of
their functions) are decomposed once.
"""

from dataclasses import dataclass
from typing import ClassVar

from mlir import ir

from .base import ModulePass, option
from .core import factorizations, triangular
from .core.cleanup import simplify
from .core.emit import Emitter
from .core.linalg_ops import TRIANGULAR_OPS, flags, linalg_ops, verify
from .core.tensor_loops import per_matrix
from .diagnostics import LintraError


def holders(module) -> list:
    """The func.funcs that hold a lintra linear-algebra op."""
    functions = []
    for op in linalg_ops(module):
        function = op.parent
        while function.name != "func.func":
            function = function.parent
        if not any(function == f for f in functions):
            functions.append(function)
    return functions


def merge_duplicates(ops: list) -> list:
    """`ops` without those that repeat an earlier op of the same block (same name,
    operands and attributes; the ops are pure), whose uses move to the first:
    unregistered ops escape upstream cse, and derivatives often repeat a
    factorization (the primal's and the JVP's, or solve and slogdet of one matrix)."""
    first: dict = {}
    kept = []
    for op in ops:
        attributes = tuple(sorted((name, str(op.attributes[name])) for name in op.attributes))
        key = (op.name, tuple(op.operands), attributes)
        earlier = first.get(key)
        if earlier is not None and earlier.block == op.block:
            for old, new in zip(op.results, earlier.results, strict=True):
                old.replace_all_uses_with(new)
            op.erase()
        else:
            first.setdefault(key, op)
            kept.append(op)
    return kept


def decompose(op: ir.Operation, block: int) -> list[ir.Value]:
    """The upstream values replacing `op`'s results (`op` verified)."""
    b = Emitter(ir.InsertionPoint(op), op.location)
    operands, types = list(op.operands), [r.type for r in op.results]
    if op.name == "lintra.cholesky":
        return per_matrix(b, operands, [2], types, [2], lambda e, a: [factorizations.cholesky(e, a, block)])
    if op.name in TRIANGULAR_OPS:
        options = flags(op)
        build = (
            triangular.triangular_solve
            if op.name == "lintra.triangular_solve"
            else triangular.triangular_matmul
        )
        return per_matrix(
            b, operands, [2, 2], types, [2], lambda e, a, rhs: [build(e, a, rhs, **options, block=block)]
        )
    if op.name == "lintra.lu":
        return per_matrix(b, operands, [2], types, [2, 1, 1], factorizations.lu)
    return per_matrix(b, operands, [1], types, [1], lambda e, p: [factorizations.pivots_to_permutation(e, p)])


@dataclass(frozen=True)
class LintraDecomposeLinalg(ModulePass):
    argument: ClassVar[str] = "lintra-decompose-linalg"
    description: ClassVar[str] = (
        "Rewrite lintra.cholesky/triangular_solve/lu into scf loops and linalg (blocked, matmul-rich)"
    )
    block: int = option(triangular.BLOCK, "block size of the blocked Cholesky and triangular solves")

    def run(self, module):
        if self.block < 1:
            raise LintraError(f"option 'block' of pass '{self.argument}' must be positive, got {self.block}")
        for op in linalg_ops(module):
            verify(op)
        # canonicalize and cse first, so that repeated factorizations of one
        # matrix have the same operands and merge.
        simplify(holders(module))
        for op in merge_duplicates(linalg_ops(module)):
            for old, new in zip(op.results, decompose(op, self.block), strict=True):
                old.replace_all_uses_with(new)
            op.erase()
