"""JVP and transpose rules for the arith dialect (scalars and elementwise on tensors).

Linear: addf, subf, negf, select (in its branches), extf, truncf.
Bilinear: mulf. Linear in the numerator only: divf.
Everything else either has a JVP rule built from those, or a zero tangent.
Batching: every arith op is elementwise (`defvectorized`); select with a scalar
condition and tensor operands broadcasts a batched condition to the operands.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith

from ..core.batch_dims import Batched, batched_type, common_dim, materialize
from ..core.emit import element_type, shape_of, tensor_type
from ..core.structured import broadcast_in_dims
from ..core.tables import (
    BATCH_RULES,
    JVP_RULES,
    TRANSPOSE_RULES,
    Linear,
    TransposeRule,
    defbilinear,
    defjvp,
    deflinear,
    defunbatchable,
    defvectorized,
    defzero,
    vectorized_batch,
)

OEQ, OGT, OLT = arith.CmpFPredicate.OEQ, arith.CmpFPredicate.OGT, arith.CmpFPredicate.OLT


# -- linear ---------------------------------------------------------------------
JVP_RULES["arith.addf"] = lambda b, op, t: [b.add(t[0], t[1])]
JVP_RULES["arith.subf"] = lambda b, op, t: [b.sub(t[0], t[1])]
JVP_RULES["arith.negf"] = lambda b, op, t: [b.neg(t[0])]
TRANSPOSE_RULES["arith.addf"] = TransposeRule(lambda b, op, cts, args: [cts[0], cts[0]])
TRANSPOSE_RULES["arith.subf"] = TransposeRule(lambda b, op, cts, args: [cts[0], b.neg(cts[0])])
TRANSPOSE_RULES["arith.negf"] = TransposeRule(lambda b, op, cts, args: [b.neg(cts[0])])

deflinear("arith.extf", lambda b, op, cts, args: [b.op1("arith.truncf", cts[0], result_type=args[0].type)])
deflinear("arith.truncf", lambda b, op, cts, args: [b.op1("arith.extf", cts[0], result_type=args[0].type)])


def select_jvp(b, op, tangents):
    return [b.select(op.operands[0], tangents[1], tangents[2])]


def select_transpose(b, op, cts, args):
    cond = args[0]
    zero = b.zeros(op.results[0].type)
    return [None, b.select(cond, cts[0], zero), b.select(cond, zero, cts[0])]


JVP_RULES["arith.select"] = select_jvp
TRANSPOSE_RULES["arith.select"] = TransposeRule(select_transpose, lambda op: {1, 2})

# -- bilinear and linear in one operand -------------------------------------------
defbilinear(
    "arith.mulf",
    lambda b, op, cts, args: [
        b.mul(cts[0], args[1]) if isinstance(args[0], Linear) else None,
        b.mul(args[0], cts[0]) if isinstance(args[1], Linear) else None,
    ],
)


defjvp(
    "arith.divf", lambda b, t, x, y, out: b.div(t, y), lambda b, t, x, y, out: b.neg(b.div(b.mul(t, out), y))
)
TRANSPOSE_RULES["arith.divf"] = TransposeRule(
    lambda b, op, cts, args: [b.div(cts[0], args[1]), None], lambda op: {0}
)


# -- piecewise: max/min pick the operand equal to the result; ties split it evenly.
# As JAX does (`_balanced_eq`): an operand's weight is 1 where it alone equals the
# result z, 0.5 where both do, else 0. So maxnumf(x, nan) = x takes x's tangent,
# and a NaN result (maximumf with a NaN operand) has a zero tangent, like JAX's.
def balanced_weight(b, a, other, z):
    half_or_one = b.select(b.cmpf(OEQ, other, z), b.like(a, 0.5), b.like(a, 1.0))
    return b.select(b.cmpf(OEQ, a, z), half_or_one, b.like(a, 0.0))


def choose_jvp(b, op, tangents):
    x, y = op.operands
    z = op.results[0]
    total = None
    for a, other, tangent in ((x, y, tangents[0]), (y, x, tangents[1])):
        if tangent is not None:
            total = b.add(total, b.mul(balanced_weight(b, a, other, z), tangent))
    return [total]


for _name in ("maximumf", "maxnumf", "minimumf", "minnumf"):
    JVP_RULES[f"arith.{_name}"] = choose_jvp

# -- no tangent ---------------------------------------------------------------------
defzero("arith.cmpf", reason="a comparison: its i1 result is piecewise constant")
defzero("arith.fptosi", "arith.fptoui", reason="a conversion to an integer: piecewise constant")
defzero("arith.bitcast", reason="a bit reinterpretation: zero derivative, as JAX's bitcast_convert_type")
defzero("arith.sitofp", "arith.uitofp", reason="a conversion from an integer: its operand has no tangent")
defzero("arith.constant", reason="a constant")


# -- batching: elementwise --------------------------------------------------------------
FLOAT_OPS = "addf subf mulf divf negf remf maximumf minimumf maxnumf minnumf cmpf extf truncf"
INTEGER_OPS = (
    "addi subi muli divsi divui remsi remui floordivsi ceildivsi maxsi minsi maxui minui andi ori "
    "xori shli shrsi shrui cmpi extsi extui trunci index_cast index_castui"
)
CONVERSIONS = "sitofp uitofp fptosi fptoui bitcast"
defvectorized(*(f"arith.{name}" for name in f"{FLOAT_OPS} {INTEGER_OPS} {CONVERSIONS}".split()))


def select_batch(b, op, args, size):
    """A scalar condition choosing between tensors: a batched condition is broadcast
    to the operands' batched shape (elementwise select); an unbatched one stays."""
    if isinstance(op.operands[0].type, ir.ShapedType) or not isinstance(op.result.type, ir.ShapedType):
        return vectorized_batch(b, op, args, size)
    cond, x, y = args
    dim = common_dim([x, y, Batched(None, 0)])  # the operands' batch dim, else 0
    if cond.dim is not None:
        shape = shape_of(batched_type(op.result.type, size, dim))
        condition = broadcast_in_dims(b, cond.value, tensor_type(shape, element_type(cond.value.type)), [dim])
    else:
        condition = cond.value
    x_value, y_value = (materialize(b, v, size, dim) for v in (x, y))
    return [Batched(arith.select(condition, x_value, y_value, loc=b.location, ip=b.ip), dim)]


BATCH_RULES["arith.select"] = select_batch
defunbatchable("arith.constant", reason="a constant has no operands: it is never batched, only cloned")
