"""JVP and transpose rules for the tensor dialect.

Every differentiable tensor op here is linear in its float tensor/scalar
operands (index operands are non-linear), so each one is a `deflinear` whose
transpose moves data back: extract_slice <-> insert_slice into zeros,
extract <-> insert, collapse_shape <-> expand_shape, concat -> slices,
pad -> slice, splat -> sum.
Batching puts the batch dim first and shifts the static dims, offsets and
reassociations by one; an element access (extract, insert, from_elements)
becomes a slice of one element per batch member. Indices must be unbatched.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, tensor

from ..core.batch_dims import Batched, batched_type, check_unbatched, materialize, move_dim
from ..core.emit import element_type, is_zero_constant, shape_of
from ..core.structured import broadcast_in_dims, empty, sum_to_scalar
from ..core.tables import (
    BATCH_RULES,
    JVP_RULES,
    TRANSPOSE_RULES,
    TransposeRule,
    defbatch_front,
    deflinear,
    defzero,
    linear_jvp,
)


def first_operand(op) -> set[int]:
    return {0}


def slice_operands(op, args) -> tuple[list, list, list]:
    """The (dynamic) offsets, sizes and strides among `args`, the transpose rule
    arguments of a tensor.extract_slice or tensor.insert_slice `op`."""
    first = 1 if op.name == "tensor.extract_slice" else 2
    n_off, n_size, n_stride = list(op.attributes["operandSegmentSizes"])[first:]
    dynamic = list(args[first:])
    return (
        dynamic[:n_off],
        dynamic[n_off : n_off + n_size],
        dynamic[n_off + n_size : n_off + n_size + n_stride],
    )


def insert_slice(b, source, dest, op, dynamic) -> ir.Value:
    """`source` inserted into `dest` where the slice op `op` (with its dynamic
    operands `dynamic`) reads or writes."""
    return tensor.InsertSliceOp(source, dest, *dynamic, *static_slice(op), loc=b.location, ip=b.ip).result


def extract_slice(b, source, result_type, op, dynamic) -> ir.Value:
    """The slice of `source` the slice op `op` (dynamic operands `dynamic`) addresses."""
    return tensor.ExtractSliceOp(
        result_type, source, *dynamic, *static_slice(op), loc=b.location, ip=b.ip
    ).result


def static_slice(op) -> list:
    """The static offsets, sizes and strides of a slice op."""
    return [op.attributes[key] for key in ("static_offsets", "static_sizes", "static_strides")]


def sub_tensor(b, source, result_type, offsets) -> ir.Value:
    """The slice of `source` of type `result_type` at static `offsets`, unit strides."""
    return tensor.ExtractSliceOp(
        result_type,
        source,
        [],
        [],
        [],
        offsets,
        shape_of(result_type),
        [1] * len(offsets),
        loc=b.location,
        ip=b.ip,
    ).result


def extract_slice_transpose(b, op, cts, args):
    source_type = args[0].type
    inserted = insert_slice(b, cts[0], b.zeros(source_type), op, slice_operands(op, args))
    return [inserted] + [None] * (len(args) - 1)


def insert_slice_transpose(b, op, cts, args):
    source_type, ct = op.operands[0].type, cts[0]
    dynamic = slice_operands(op, args)
    source_ct = extract_slice(b, ct, source_type, op, dynamic)
    dest_ct = insert_slice(b, b.zeros(source_type), ct, op, dynamic)
    return [source_ct, dest_ct] + [None] * (len(args) - 2)


deflinear("tensor.extract_slice", extract_slice_transpose, first_operand)
deflinear("tensor.insert_slice", insert_slice_transpose, lambda op: {0, 1})


def extract_transpose(b, op, cts, args):
    tensor_type = args[0].type
    inserted = tensor.insert(cts[0], b.zeros(tensor_type), list(args[1:]), loc=b.location, ip=b.ip)
    return [inserted] + [None] * (len(args) - 1)


def insert_transpose(b, op, cts, args):
    ct, indices = cts[0], list(args[2:])
    scalar_ct = tensor.extract(ct, indices, loc=b.location, ip=b.ip)
    dest_ct = tensor.insert(b.zeros(element_type(ct.type)), ct, indices, loc=b.location, ip=b.ip)
    return [scalar_ct, dest_ct] + [None] * len(indices)


deflinear("tensor.extract", extract_transpose, first_operand)
deflinear("tensor.insert", insert_transpose, lambda op: {0, 1})


def from_elements_transpose(b, op, cts, args):
    shape = shape_of(op.results[0].type)
    out = []
    for flat in range(len(args)):
        index, rest = [], flat
        for size in reversed(shape):
            index.append(rest % size)
            rest //= size
        indices = [b.index(i) for i in reversed(index)]
        out.append(tensor.extract(cts[0], indices, loc=b.location, ip=b.ip))
    return out


deflinear("tensor.from_elements", from_elements_transpose)
deflinear(
    "tensor.splat",
    lambda b, op, cts, args: [sum_to_scalar(b, cts[0])] + [None] * (len(args) - 1),
    first_operand,
)


# collapse_shape and expand_shape transpose to each other with the same grouping.
def collapse_shape_transpose(b, op, cts, args):
    source_type = args[0].type
    return [
        tensor.ExpandShapeOp(
            source_type,
            cts[0],
            op.attributes["reassociation"],
            [],
            shape_of(source_type),
            loc=b.location,
            ip=b.ip,
        ).result
    ]


def expand_shape_transpose(b, op, cts, args):
    return [
        tensor.CollapseShapeOp(
            args[0].type, cts[0], op.attributes["reassociation"], loc=b.location, ip=b.ip
        ).result
    ]


deflinear("tensor.collapse_shape", collapse_shape_transpose, first_operand)
deflinear("tensor.expand_shape", expand_shape_transpose, first_operand)
deflinear(
    "tensor.cast",
    lambda b, op, cts, args: [tensor.cast(args[0].type, cts[0], loc=b.location, ip=b.ip)],
    first_operand,
)


def concat_transpose(b, op, cts, args):
    dim = op.attributes["dim"].value
    offset, out = 0, []
    for arg in args:
        offsets = [0] * len(shape_of(arg.type))
        offsets[dim] = offset
        out.append(sub_tensor(b, cts[0], arg.type, offsets))
        offset += shape_of(arg.type)[dim]
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
    sliced = sub_tensor(b, cts[0], args[0].type, list(op.attributes["static_low"]))
    return [sliced] + [None] * (len(args) - 1)


def pad_check(op, linear_flags):
    if not is_zero_constant(pad_value(op)):
        return "pads a linear value with a non-zero value: the function is affine, not linear"
    return None


JVP_RULES["tensor.pad"] = pad_jvp
TRANSPOSE_RULES["tensor.pad"] = TransposeRule(pad_transpose, first_operand, check=pad_check)

defzero("tensor.dim", "tensor.rank", reason="a shape query: its index result does not depend on the values")


# -- batching: the batch dim goes first, static dims and offsets shift by one ---------
def i64_array(values) -> ir.Attribute:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])


def prefixed(key: str, first):
    """The attribute `key` (a dense i64 array) with `first(size)` prepended."""
    return lambda op, size: {key: i64_array([first(size), *op.attributes[key]])}


def slice_attributes(op, size):
    return {
        **prefixed("static_offsets", lambda n: 0)(op, size),
        **prefixed("static_sizes", lambda n: n)(op, size),
        **prefixed("static_strides", lambda n: 1)(op, size),
    }


def reassociation(op, size):
    """The batch dim in a group of its own, the others shifted by one; to or from a
    0-d tensor (no groups), the batch dim and the unit dims form one group."""
    groups = [[0]] + [
        [ir.IntegerAttr(d).value + 1 for d in group] for group in op.attributes["reassociation"]
    ]
    if len(groups) == 1:
        higher = max(len(shape_of(op.operands[0].type)), len(shape_of(op.result.type)))
        groups = [list(range(higher + 1))]
    i64 = ir.IntegerType.get_signless(64)
    attrs = {
        "reassociation": ir.ArrayAttr.get(
            [ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in group]) for group in groups]
        )
    }
    if op.name == "tensor.expand_shape":
        attrs.update(prefixed("static_output_shape", lambda n: n)(op, size))
    return attrs


defbatch_front("tensor.extract_slice", slice_attributes, first_operand)
defbatch_front("tensor.insert_slice", slice_attributes, lambda op: {0, 1})
defbatch_front("tensor.collapse_shape", reassociation, first_operand)
defbatch_front("tensor.expand_shape", reassociation, first_operand)
defbatch_front("tensor.cast", positions=first_operand)
defbatch_front(
    "tensor.concat",
    lambda op, size: {
        "dim": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), op.attributes["dim"].value + 1)
    },
)
defbatch_front(
    "tensor.pad",
    lambda op, size: {
        **prefixed("static_low", lambda n: 0)(op, size),
        **prefixed("static_high", lambda n: 0)(op, size),
    },
    first_operand,
    leading_index_args=1,
)


def element_slice(b, value, size: int, indices) -> list:
    """Dynamic operands and static offsets/sizes/strides of the slice [:, *indices]
    (one element per batch member) of a tensor batched at 0; `indices` are values
    or ints."""
    dynamic = [i for i in indices if not isinstance(i, int)]
    offsets = [0] + [
        i if isinstance(i, int) else ir.ShapedType.get_dynamic_stride_or_offset() for i in indices
    ]
    return [dynamic, [], [], offsets, [size] + [1] * len(indices), [1] * (len(indices) + 1)]


def insert_elements(b, scalars, dest, size: int, indices_list) -> ir.Value:
    """`dest` (batched at 0) with each batched scalar (tensor<B>) inserted at its indices."""
    for scalar, indices in zip(scalars, indices_list, strict=True):
        slicing = element_slice(b, dest, size, indices)
        dest = tensor.InsertSliceOp(scalar, dest, *slicing, loc=b.location, ip=b.ip).result
    return dest


def extract_batch(b, op, args, size):
    check_unbatched(op, args, range(1, len(args)), "index")
    source = move_dim(b, args[0], 0)
    result_type = batched_type(op.result.type, size)
    slicing = element_slice(b, source, size, list(args[i].value for i in range(1, len(args))))
    return [Batched(tensor.ExtractSliceOp(result_type, source, *slicing, loc=b.location, ip=b.ip).result, 0)]


def insert_batch(b, op, args, size):
    check_unbatched(op, args, range(2, len(args)), "index")
    scalar, dest = (materialize(b, a, size, 0) for a in args[:2])
    indices = [a.value for a in args[2:]]
    return [Batched(insert_elements(b, [scalar], dest, size, [indices]), 0)]


def from_elements_batch(b, op, args, size):
    shape = shape_of(op.result.type)
    dest = empty(b, batched_type(op.result.type, size))
    indices = [list(np.unravel_index(flat, shape)) if shape else [] for flat in range(len(args))]
    scalars = [materialize(b, a, size, 0) for a in args]
    return [Batched(insert_elements(b, scalars, dest, size, [[int(i) for i in ix] for ix in indices]), 0)]


def splat_batch(b, op, args, size):
    check_unbatched(op, args, range(1, len(args)), "size")
    return [Batched(broadcast_in_dims(b, args[0].value, batched_type(op.result.type, size), [0]), 0)]


def dim_batch(b, op, args, size):
    """The size of a per-example dim: the same dim, one further in the batched source."""
    check_unbatched(op, args, [1], "index")
    source = move_dim(b, args[0], 0)
    index = arith.addi(args[1].value, b.index(1), loc=b.location, ip=b.ip)
    return [Batched(tensor.dim(source, index, loc=b.location, ip=b.ip), None)]


BATCH_RULES["tensor.extract"] = extract_batch
BATCH_RULES["tensor.insert"] = insert_batch
BATCH_RULES["tensor.from_elements"] = from_elements_batch
BATCH_RULES["tensor.splat"] = splat_batch
BATCH_RULES["tensor.dim"] = dim_batch
BATCH_RULES["tensor.rank"] = lambda b, op, args, size: [
    Batched(b.index(len(shape_of(op.operands[0].type))), None)
]
