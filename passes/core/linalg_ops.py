"""The lintra linear-algebra ops: their contracts, builders and shared IR helpers.

The ops (contracts in the header of dialect/lintra.irdl.mlir) are parsed as
unregistered ops, so `verify(op)` checks each one here, raising a located
`LintraError` for a wrong operand or result count, a non-tensor, a dynamic
shape, a non-f32/f64 matrix, a non-square matrix, mismatched batch dimensions
or a missing/non-boolean flag. The rules (`rules/lintra.py`) and
`lintra-decompose-linalg` call it before reading an op.

Builders: `cholesky`, `triangular_solve`, `triangular_matmul`, `lu` emit the
ops; `triangle`, `band_mask`, `swap_last` and `batched_matmul` are the
upstream pieces their rules and decompositions share (masks of a triangle,
matrix transpose, matrix product over leading batch dimensions).
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg

from lintra.dialect import LINALG_OP_NAMES

from ..diagnostics import LintraError
from .emit import Emitter, element_type, shape_of
from .structured import PARALLEL, build_generic, contraction, empty, identity_dims, matmul, with_body

FLAGS = ("lower", "left_side", "transpose_a", "unit_diagonal")
# The ops of a triangular matrix and a right-hand side, with the four FLAGS.
TRIANGULAR_OPS = ("lintra.triangular_solve", "lintra.triangular_matmul")
RESULT_COUNTS = {
    "lintra.cholesky": 1,
    "lintra.triangular_solve": 1,
    "lintra.triangular_matmul": 1,
    "lintra.lu": 3,
    "lintra.lu_pivots_to_permutation": 1,
}


# -- contracts ----------------------------------------------------------------------


def _matrix_type(op, value, what: str, float_matrix: bool = True) -> list[int]:
    """The shape of `value`, checked: a static ranked tensor of f32/f64 with at
    least two dims (or, without `float_matrix`, of i32 with at least one)."""
    type_ = value.type
    if not isinstance(type_, ir.RankedTensorType) or not type_.has_static_shape:
        raise LintraError.at(op, f"requires {what} to be a statically shaped ranked tensor, got {type_}")
    elem = type_.element_type
    if float_matrix:
        if not isinstance(elem, (ir.F32Type, ir.F64Type)):
            raise LintraError.at(op, f"requires {what} to hold f32 or f64, got {type_}")
        if type_.rank < 2:
            raise LintraError.at(op, f"requires {what} to be a matrix (rank >= 2), got {type_}")
    else:
        if not (isinstance(elem, ir.IntegerType) and elem.width == 32) or type_.rank < 1:
            raise LintraError.at(op, f"requires {what} to be a tensor of i32 (rank >= 1), got {type_}")
    return list(type_.shape)


def _square(op, shape, what: str) -> None:
    if shape[-1] != shape[-2]:
        raise LintraError.at(op, f"requires {what} to be square, got shape {'x'.join(map(str, shape))}")


def _expect_type(op, what: str, actual: ir.Type, expected: ir.Type) -> None:
    if actual != expected:
        raise LintraError.at(op, f"requires {what} to have type {expected}, got {actual}")


def flags(op) -> dict[str, bool]:
    """The four boolean flags of a lintra.triangular_solve or triangular_matmul."""
    return {name: bool(ir.BoolAttr(op.attributes[name]).value) for name in FLAGS}


def verify(op) -> None:
    """Check `op` against its contract (module doc); raise a located LintraError."""
    name = op.name
    if name not in RESULT_COUNTS:
        raise LintraError.at(op, "is not a lintra linear-algebra op")
    n_operands = 2 if name in TRIANGULAR_OPS else 1
    if len(op.operands) != n_operands or len(op.results) != RESULT_COUNTS[name]:
        raise LintraError.at(
            op,
            f"requires {n_operands} operand(s) and {RESULT_COUNTS[name]} result(s), got "
            f"{len(op.operands)} and {len(op.results)}",
        )
    if name == "lintra.lu_pivots_to_permutation":
        _matrix_type(op, op.operands[0], "the pivots", float_matrix=False)
        _expect_type(op, "the result", op.results[0].type, op.operands[0].type)
        return
    a = op.operands[0]
    shape = _matrix_type(op, a, "the matrix operand")
    _square(op, shape, "the matrix operand")
    if name == "lintra.cholesky":
        _expect_type(op, "the result", op.results[0].type, a.type)
    elif name == "lintra.lu":
        _expect_type(op, "result #0", op.results[0].type, a.type)
        i32 = ir.RankedTensorType.get(shape[:-1], ir.IntegerType.get_signless(32))
        _expect_type(op, "result #1 (pivots)", op.results[1].type, i32)
        _expect_type(op, "result #2 (permutation)", op.results[2].type, i32)
    else:
        for flag in FLAGS:
            attr = op.attributes[flag] if flag in op.attributes else None
            if attr is None or not isinstance(attr, ir.BoolAttr):
                raise LintraError.at(op, f"requires a boolean attribute '{flag}' (true or false)")
        rhs = _matrix_type(op, op.operands[1], "the right-hand side")
        if element_type(op.operands[1].type) != element_type(a.type):
            raise LintraError.at(op, "requires the matrix and the right-hand side to have one element type")
        n = shape[-1]
        solved = rhs[-2] if flags(op)["left_side"] else rhs[-1]
        if len(rhs) != len(shape) or rhs[:-2] != shape[:-2] or solved != n:
            side = "rows" if flags(op)["left_side"] else "columns"
            raise LintraError.at(
                op,
                f"requires the right-hand side ({'x'.join(map(str, rhs))}) to have the matrix's "
                f"batch dimensions and {n} {side}",
            )
        _expect_type(op, "the result", op.results[0].type, op.operands[1].type)


def linalg_ops(module: ir.Operation) -> list[ir.Operation]:
    """Every lintra linear-algebra op in `module`, in walk order."""
    found = []

    def visit(op):
        if op.name in LINALG_OP_NAMES:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def verify_all(module: ir.Operation) -> None:
    for op in linalg_ops(module):
        verify(op)


# -- builders -------------------------------------------------------------------------


def create(b: Emitter, name: str, operands, result_types, attributes=None) -> list[ir.Value]:
    return list(
        ir.Operation.create(
            name,
            results=list(result_types),
            operands=list(operands),
            attributes=attributes or {},
            loc=b.location,
            ip=b.ip,
        ).results
    )


def cholesky(b: Emitter, a) -> ir.Value:
    return create(b, "lintra.cholesky", [a], [a.type])[0]


def lu(b: Emitter, a) -> list[ir.Value]:
    i32 = ir.RankedTensorType.get(shape_of(a.type)[:-1], ir.IntegerType.get_signless(32))
    return create(b, "lintra.lu", [a], [a.type, i32, i32])


def _triangular(name: str, b: Emitter, a, rhs, lower, left_side, transpose_a, unit_diagonal) -> ir.Value:
    values = {
        "lower": lower,
        "left_side": left_side,
        "transpose_a": transpose_a,
        "unit_diagonal": unit_diagonal,
    }
    attributes = {flag: ir.BoolAttr.get(bool(value)) for flag, value in values.items()}
    return create(b, name, [a, rhs], [rhs.type], attributes)[0]


def triangular_solve(
    b: Emitter, a, rhs, lower: bool, left_side: bool, transpose_a: bool, unit_diagonal: bool = False
) -> ir.Value:
    """op(a)·x = rhs (left_side) or x·op(a) = rhs, solved for x."""
    return _triangular("lintra.triangular_solve", b, a, rhs, lower, left_side, transpose_a, unit_diagonal)


def triangular_matmul(
    b: Emitter, a, rhs, lower: bool, left_side: bool, transpose_a: bool, unit_diagonal: bool = False
) -> ir.Value:
    """op(tri(a))·rhs (left_side) or rhs·op(tri(a)), tri(a) a's lower/upper triangle."""
    return _triangular("lintra.triangular_matmul", b, a, rhs, lower, left_side, transpose_a, unit_diagonal)


# -- shared upstream pieces ---------------------------------------------------------------


def triangle(lower: bool, unit_diagonal: bool) -> tuple[float, float, float]:
    """The band_mask (below, diagonal, above) of the triangle a triangular op reads."""
    diagonal = 0.0 if unit_diagonal else 1.0
    return (1.0, diagonal, 0.0) if lower else (0.0, diagonal, 1.0)


def band_mask(b: Emitter, type_: ir.Type, below: float, diagonal: float, above: float) -> ir.Value:
    """A tensor of `type_` (matrices in its last two dims) holding `below`,
    `diagonal` or `above` where the column index is less than, equal to or
    greater than the row index: (1, 1, 0) masks the lower triangle, (1, 0.5, 0)
    is the Φ of Cholesky's JVP, (0, 1, 0) the identity."""
    rank = len(shape_of(type_))
    elem = element_type(type_)

    def body(inner: Emitter, args):
        row = linalg.IndexOp(rank - 2, loc=inner.location, ip=inner.ip).result
        col = linalg.IndexOp(rank - 1, loc=inner.location, ip=inner.ip).result

        def const(value):
            return inner.constant(elem, value)

        lt = arith.cmpi(arith.CmpIPredicate.ult, col, row, loc=inner.location, ip=inner.ip)
        eq = arith.cmpi(arith.CmpIPredicate.eq, col, row, loc=inner.location, ip=inner.ip)
        upper = arith.select(eq, const(diagonal), const(above), loc=inner.location, ip=inner.ip)
        return [arith.select(lt, const(below), upper, loc=inner.location, ip=inner.ip)]

    return build_generic(b, [], [empty(b, type_)], [identity_dims(rank)], rank, [PARALLEL] * rank, body)[0]


def masked(b: Emitter, x, below: float, diagonal: float, above: float):
    """`x` times `band_mask` (None stays None)."""
    return None if x is None else b.mul(x, band_mask(b, x.type, below, diagonal, above))


def swap_last(b: Emitter, x) -> ir.Value:
    """`x` with its last two dims swapped (a linalg.transpose)."""
    shape = shape_of(x.type)
    rank = len(shape)
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    out = empty(b, ir.RankedTensorType.get([shape[p] for p in perm], element_type(x.type)))
    op = linalg.TransposeOp([out.type], x, out, perm, loc=b.location, ip=b.ip)
    return with_body(b, op, [x], [out], lambda inner, block: [block[0]])[0]


def batched_matmul(b: Emitter, x, y, transpose_x: bool = False, transpose_y: bool = False) -> ir.Value:
    """op(x) @ op(y) over the last two dims, leading dims batched (equal in both):
    a linalg.matmul for matrices, a linalg.generic contraction otherwise."""
    xs, ys = shape_of(x.type), shape_of(y.type)
    batch = len(xs) - 2
    lead = list(range(batch))
    i, j, k = batch, batch + 1, batch + 2
    x_dims = lead + ([k, i] if transpose_x else [i, k])
    y_dims = lead + ([j, k] if transpose_y else [k, j])
    rows = xs[-1] if transpose_x else xs[-2]
    cols = ys[-2] if transpose_y else ys[-1]
    out_type = ir.RankedTensorType.get(xs[:-2] + [rows, cols], element_type(x.type))
    maps = [x_dims, y_dims, lead + [i, j]]
    build = matmul if batch == 0 else contraction
    return build(b, x, y, out_type, maps, batch + 3)
