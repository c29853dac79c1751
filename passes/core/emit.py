"""IR building blocks shared by the AD transformations.

`Emitter` builds ops at an insertion point and knows symbolic zeros: a tangent or
cotangent that is known to be zero is `None`, and `add`, `sub`, `neg`, `mul`
propagate `None` without emitting IR. Zeros are materialized (`zeros`) only
where a function boundary or an op operand needs a real value.

Type helpers treat "float" as a float scalar or a ranked tensor of floats; only
float values carry tangents.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith

from ..diagnostics import LintraError


def is_float_type(type_: ir.Type) -> bool:
    if isinstance(type_, ir.RankedTensorType):
        type_ = type_.element_type
    return isinstance(type_, ir.FloatType)


def is_float(value: ir.Value) -> bool:
    return is_float_type(value.type)


def holds_floats(type_: ir.Type) -> bool:
    """Whether values of `type_` hold real or complex floats (in any container:
    tensor, unranked tensor, memref, vector), i.e. could carry a derivative."""
    if isinstance(type_, ir.ShapedType):
        type_ = ir.ShapedType(type_).element_type
    return isinstance(type_, (ir.FloatType, ir.ComplexType))


def is_static_type(type_: ir.Type) -> bool:
    """A scalar, or a shaped type with a static shape."""
    return not isinstance(type_, ir.ShapedType) or ir.ShapedType(type_).has_static_shape


def element_type(type_: ir.Type) -> ir.Type:
    if isinstance(type_, ir.ShapedType):
        return type_.element_type
    return type_


def shape_of(type_: ir.Type) -> list[int]:
    if isinstance(type_, ir.ShapedType):
        return list(type_.shape)
    return []


def tensor_type(shape, elem: ir.Type) -> ir.Type:
    return ir.RankedTensorType.get(list(shape), elem)


def type_list(types) -> str:
    """`(t1, t2, ...)`, as types are listed in diagnostics."""
    return "(" + ", ".join(str(t) for t in types) + ")"


def check_static(value: ir.Value, op) -> None:
    """Reject dynamic shapes: lintra differentiates static shapes only."""
    if not is_static_type(value.type):
        raise LintraError.at(
            op, f"has a dynamically shaped value of type {value.type}; lintra supports static shapes only"
        )


def float_constant_value(value: ir.Value):
    """The splat float value of a constant-like `value`, else None."""
    owner = value.owner
    if isinstance(owner, ir.Block):
        return None
    op = owner.operation
    if op.name == "arith.constant":
        attr = op.attributes["value"]
        if isinstance(attr, ir.FloatAttr):
            return attr.value
        if isinstance(attr, ir.DenseFPElementsAttr) and attr.is_splat:
            return attr.get_splat_value().value
        return None
    if op.name in ("linalg.fill", "tensor.splat"):
        return float_constant_value(op.operands[0])
    return None


def is_zero_constant(value: ir.Value) -> bool:
    return float_constant_value(value) == 0.0


def used_values(op: ir.Operation) -> list[ir.Value]:
    """Operands of `op` plus values captured from outside by its regions, in order."""
    values = list(op.operands)
    if len(op.regions) == 0:
        return values
    defined: set = set()
    captured: list = []

    def visit(inner: ir.Operation):
        for region in inner.regions:
            for block in region.blocks:
                defined.update(block.arguments)
                for nested in block.operations:
                    nested = nested.operation
                    for operand in nested.operands:
                        if operand not in defined and operand not in captured:
                            captured.append(operand)
                    visit(nested)
                    defined.update(nested.results)

    visit(op)
    return values + [v for v in captured if v not in defined]


def clone_op(op: ir.Operation, mapping: dict, ip: ir.InsertionPoint) -> ir.Operation:
    """Clone `op` (with its regions) at `ip`, replacing used values through `mapping`."""
    new = op.clone(ip=ip)
    replacements = [(v, mapping[v]) for v in used_values(op) if v in mapping and mapping[v] != v]
    if not replacements:
        return new

    def replace(inner):
        for old, repl in replacements:
            inner.replace_uses_of_with(old, repl)
        return ir.WalkResult.ADVANCE

    new.walk(replace, ir.WalkOrder.PRE_ORDER)
    return new


def erase_dead_ops(block: ir.Block, removable=lambda op: True) -> None:
    """Erase ops of `block` (not its terminator) whose results are all unused and
    for which `removable(op)` holds (callers exclude calls that may have effects)."""
    changed = True
    while changed:
        changed = False
        for op in reversed(list(block.operations)[:-1]):
            op = op.operation
            if len(op.results) > 0 and all(not list(r.uses) for r in op.results) and removable(op):
                op.erase()
                changed = True


class Emitter:
    """Builds ops at an insertion point, with symbolic-zero aware arithmetic.

    `ad` is the module-level AD state (`lintra.passes.core.ad_state.AdState`),
    used by rules that must create or look up functions. `scope` maps values of
    the code being transformed to their counterparts in the code being built;
    regions built inside (`nested`) see it too, so a region body that uses a
    value from outside (linalg bodies may) is rewired like the rest. When batching,
    `batch_dims` maps values of the code being batched to the batch dim of their
    counterparts in `scope` (absent: unbatched), so that a region op's batching
    rule sees the batch dims of the values its regions capture.
    """

    def __init__(self, ip: ir.InsertionPoint, location: ir.Location, ad=None, scope=None, batch_dims=None):
        self.ip = ip
        self.location = location
        self.ad = ad
        self.scope = scope if scope is not None else {}
        self.batch_dims = batch_dims if batch_dims is not None else {}

    def nested(self, ip: ir.InsertionPoint) -> "Emitter":
        """An emitter for a region built at `ip`, sharing this one's AD state and scopes."""
        return Emitter(ip, self.location, self.ad, self.scope, self.batch_dims)

    # -- construction ----------------------------------------------------
    def op1(self, name, *operands, result_type=None) -> ir.Value:
        """A single-result op named `name`, for rules that choose an op by name (a
        reduction's combiner, `unary`); its result type defaults to the first operand's."""
        return ir.Operation.create(
            name,
            results=[result_type or operands[0].type],
            operands=list(operands),
            loc=self.location,
            ip=self.ip,
        ).result

    def clone(self, op: ir.Operation, mapping: dict) -> ir.Operation:
        return clone_op(op, mapping, self.ip)

    # -- constants ---------------------------------------------------------
    def constant(self, type_: ir.Type, value: float) -> ir.Value:
        elem = element_type(type_)
        if isinstance(elem, ir.FloatType):
            scalar = ir.FloatAttr.get(elem, float(value))
        else:
            scalar = ir.IntegerAttr.get(elem, int(value))
        if isinstance(type_, ir.RankedTensorType):
            attr = ir.DenseElementsAttr.get_splat(type_, scalar)
        else:
            attr = scalar
        return arith.ConstantOp(type_, attr, loc=self.location, ip=self.ip).result

    def zeros(self, type_: ir.Type) -> ir.Value:
        return self.constant(type_, 0.0)

    def zeros_like(self, value: ir.Value) -> ir.Value:
        return self.zeros(value.type)

    def instantiate(self, value, type_: ir.Type) -> ir.Value:
        """`value`, or a materialized zero of `type_` when it is symbolically zero."""
        return self.zeros(type_) if value is None else value

    def index(self, value: int) -> ir.Value:
        return self.constant(ir.IndexType.get(), value)

    # -- zero-aware arithmetic (elementwise; works on scalars and tensors) --
    def add(self, a, b):
        if a is None:
            return b
        if b is None:
            return a
        return arith.addf(a, b, loc=self.location, ip=self.ip)

    def sub(self, a, b):
        if b is None:
            return a
        if a is None:
            return self.neg(b)
        return arith.subf(a, b, loc=self.location, ip=self.ip)

    def neg(self, a):
        return None if a is None else arith.negf(a, loc=self.location, ip=self.ip)

    def mul(self, a, b):
        if a is None or b is None:
            return None
        return arith.mulf(a, b, loc=self.location, ip=self.ip)

    def div(self, a, b):
        return None if a is None else arith.divf(a, b, loc=self.location, ip=self.ip)

    def unary(self, name, a):
        return self.op1(name, a)

    def cmpf(self, predicate: arith.CmpFPredicate, a, b) -> ir.Value:
        return arith.cmpf(predicate, a, b, loc=self.location, ip=self.ip)

    def select(self, cond, a, b):
        """Elementwise select with symbolic zeros: None only if both are None."""
        if a is None and b is None:
            return None
        a = self.instantiate(a, (b if a is None else a).type)
        b = self.instantiate(b, a.type)
        return arith.select(cond, a, b, loc=self.location, ip=self.ip)

    def like(self, value, number: float) -> ir.Value:
        """A constant of `value`'s type (splat for tensors)."""
        return self.constant(value.type, number)
