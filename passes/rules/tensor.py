"""JVP and transpose rules for the tensor dialect.

Every differentiable tensor op here is linear in its float tensor/scalar
operands (index operands are non-linear), so each one is a `deflinear` whose
transpose moves data back: extract_slice <-> insert_slice into zeros,
extract <-> insert, collapse_shape <-> expand_shape, concat -> slices,
pad -> slice, splat -> sum.
"""

from __future__ import annotations

from mlir import ir

from ..core.emit import element_type, is_zero_constant, shape_of
from ..core.structured import i64_array, static_slice_attrs, sum_to_scalar
from .tables import JVP_RULES, TRANSPOSE_RULES, TransposeRule, deflinear, defzero, linear_jvp


def first_operand(op) -> set[int]:
    return {0}


def segments(op) -> list[int]:
    return list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))


def slice_operands(op, args, first_dynamic: int) -> list:
    return list(args[first_dynamic:])


def extract_slice_transpose(b, op, cts, args):
    source_type = args[0].type
    _, n_off, n_size, n_stride = segments(op)
    attrs = {**static_slice_attrs(op),
             "operandSegmentSizes": ir.DenseI32ArrayAttr.get([1, 1, n_off, n_size, n_stride])}
    inserted = b.create("tensor.insert_slice", [cts[0], b.zeros(source_type)] + slice_operands(op, args, 1),
                        [source_type], attrs).result
    return [inserted] + [None] * (len(args) - 1)


def insert_slice_transpose(b, op, cts, args):
    source_type, ct = op.operands[0].type, cts[0]
    _, _, n_off, n_size, n_stride = segments(op)
    dynamic = slice_operands(op, args, 2)
    source_ct = b.create("tensor.extract_slice", [ct] + dynamic, [source_type], {
        **static_slice_attrs(op),
        "operandSegmentSizes": ir.DenseI32ArrayAttr.get([1, n_off, n_size, n_stride])}).result
    dest_ct = b.create("tensor.insert_slice", [b.zeros(source_type), ct] + dynamic, [ct.type], {
        **static_slice_attrs(op), "operandSegmentSizes": ir.DenseI32ArrayAttr.get(
            [1, 1, n_off, n_size, n_stride])}).result
    return [source_ct, dest_ct] + [None] * len(dynamic)


deflinear("tensor.extract_slice", extract_slice_transpose, first_operand)
deflinear("tensor.insert_slice", insert_slice_transpose, lambda op: {0, 1})


def extract_transpose(b, op, cts, args):
    tensor_type = args[0].type
    inserted = b.create("tensor.insert", [cts[0], b.zeros(tensor_type)] + list(args[1:]),
                        [tensor_type]).result
    return [inserted] + [None] * (len(args) - 1)


def insert_transpose(b, op, cts, args):
    ct, indices = cts[0], list(args[2:])
    scalar_ct = b.create("tensor.extract", [ct] + indices, [element_type(ct.type)]).result
    dest_ct = b.create("tensor.insert", [b.zeros(element_type(ct.type)), ct] + indices, [ct.type]).result
    return [scalar_ct, dest_ct] + [None] * len(indices)


deflinear("tensor.extract", extract_transpose, first_operand)
deflinear("tensor.insert", insert_transpose, lambda op: {0, 1})


def from_elements_transpose(b, op, cts, args):
    shape = shape_of(op.results[0].type)
    elem = element_type(op.results[0].type)
    out = []
    for flat in range(len(args)):
        index, rest = [], flat
        for size in reversed(shape):
            index.append(rest % size)
            rest //= size
        indices = [b.index(i) for i in reversed(index)]
        out.append(b.create("tensor.extract", [cts[0]] + indices, [elem]).result)
    return out


deflinear("tensor.from_elements", from_elements_transpose)
deflinear("tensor.splat", lambda b, op, cts, args: [sum_to_scalar(b, cts[0])] + [None] * (len(args) - 1),
          first_operand)


def reassociation_transpose(inverse_name):
    """collapse_shape and expand_shape transpose to each other with the same grouping."""
    def transpose(b, op, cts, args):
        attrs = {"reassociation": op.attributes["reassociation"]}
        if inverse_name == "tensor.expand_shape":
            attrs["static_output_shape"] = i64_array(shape_of(args[0].type))
        return [b.create(inverse_name, [cts[0]], [args[0].type], attrs).result]
    return transpose


deflinear("tensor.collapse_shape", reassociation_transpose("tensor.expand_shape"), first_operand)
deflinear("tensor.expand_shape", reassociation_transpose("tensor.collapse_shape"), first_operand)
deflinear("tensor.cast", lambda b, op, cts, args: [b.create("tensor.cast", [cts[0]], [args[0].type]).result],
          first_operand)


def concat_transpose(b, op, cts, args):
    dim = ir.IntegerAttr(op.attributes["dim"]).value
    result_shape = shape_of(op.results[0].type)
    offset, out = 0, []
    for arg in args:
        shape = shape_of(arg.type)
        offsets = [0] * len(shape)
        offsets[dim] = offset
        out.append(b.create("tensor.extract_slice", [cts[0]], [arg.type], {
            "static_offsets": i64_array(offsets), "static_sizes": i64_array(shape),
            "static_strides": i64_array([1] * len(result_shape)),
            "operandSegmentSizes": ir.DenseI32ArrayAttr.get([1, 0, 0, 0])}).result)
        offset += shape[dim]
    return out


deflinear("tensor.concat", concat_transpose)


# -- tensor.pad: linear in its source when the padding value is zero --------------
def pad_value(op) -> ir.Value:
    return list(op.regions[0].blocks[0].operations)[-1].operands[0]


def pad_jvp(b, op, tangents):
    """Pad the source tangent with zeros (the padding value is a constant)."""
    if tangents[0] is None:
        return [None]
    new = linear_jvp(first_operand)(b, op, tangents)[0].owner
    body = new.regions[0].blocks[0]
    yield_op = list(body.operations)[-1]
    zero = b.nested(ir.InsertionPoint(yield_op)).zeros(element_type(op.results[0].type))
    yield_op.operands[0] = zero
    return [new.results[0]]


def pad_transpose(b, op, cts, args):
    low = list(ir.DenseI64ArrayAttr(op.attributes["static_low"]))
    source_type = args[0].type
    sliced = b.create("tensor.extract_slice", [cts[0]], [source_type], {
        "static_offsets": i64_array(low), "static_sizes": i64_array(shape_of(source_type)),
        "static_strides": i64_array([1] * len(low)),
        "operandSegmentSizes": ir.DenseI32ArrayAttr.get([1, 0, 0, 0])}).result
    return [sliced] + [None] * (len(args) - 1)


def pad_check(op, linear_flags):
    if not is_zero_constant(pad_value(op)):
        return "pads a linear value with a non-zero value: the function is affine, not linear"
    return None


JVP_RULES["tensor.pad"] = pad_jvp
TRANSPOSE_RULES["tensor.pad"] = TransposeRule(pad_transpose, first_operand, check=pad_check)

defzero("tensor.dim", "tensor.rank", reason="a shape query: its index result does not depend on "
                                            "the values")
