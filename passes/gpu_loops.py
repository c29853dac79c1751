"""Buffers and loop nests for lintra-lower-to-nvvm (see that pass for the contract).

Steps on bufferized code (memrefs, `scf.parallel` from convert-linalg-to-parallel-loops):

- `copy_in_arguments` and `copy_in_globals`: every memref a kernel may read is
  a buffer of this function's own (`memref.alloc`, made device-accessible by
  `allocate_on_gpu`): memref arguments (the caller's host memory) and
  `memref.get_global` constants (host read-only data) are copied into fresh
  buffers at their definition;
- `tile_loop_nests`: every loop nest of host code (top-level, or inside host
  control flow, which then launches kernels) becomes a two-level
  `scf.parallel` nest, blocks over threads, which gpu-map-parallel-loops maps
  to the grid and the block. An `scf.for` around an `scf.parallel` (a
  reduction over outer dimensions, e.g. the bias gradient summing over a batch)
  is interchanged first (`_hoist_parallel`); one without any (a reduction to a
  0-d buffer) becomes a one-trip `scf.parallel`, so it runs on the GPU in one
  thread instead of on the host;
- `allocate_on_gpu`: `memref.alloc`/`memref.dealloc` become
  `gpu.alloc host_shared`/`gpu.dealloc` (CUDA managed memory, readable by the
  host code between kernel launches and by the caller).
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, gpu, memref, scf

from .diagnostics import LintraError


def _collect(module: ir.Operation, name: str) -> list:
    found = []

    def visit(op):
        if op.name == name:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit)
    return found


def _function_bodies(module: ir.Operation):
    for op in module.regions[0].blocks[0].operations:
        op = op.operation
        if op.name == "func.func" and len(op.regions[0].blocks):
            yield op


def _check_static(value_type, op) -> None:
    if isinstance(value_type, ir.MemRefType) and not value_type.has_static_shape:
        raise LintraError.at(
            op,
            f"has a dynamically shaped buffer of type {value_type}; the GPU lowering"
            " needs static shapes (launch sizes are fixed at compile time)",
        )


def _fresh_copy(source: ir.Value, ip: ir.InsertionPoint, location: ir.Location) -> ir.Value:
    """A new identity-layout buffer holding a copy of `source`."""
    source_type = source.type
    buffer_type = ir.MemRefType.get(source_type.shape, source_type.element_type)
    with location:
        buffer = memref.AllocOp(buffer_type, [], [], ip=ip).result
        memref.CopyOp(source, buffer, ip=ip)
    return buffer


def copy_in_arguments(module: ir.Operation) -> None:
    """Copy each memref argument of each function into a buffer of its own."""
    for function in _function_bodies(module):
        entry = function.regions[0].blocks[0]
        for argument in entry.arguments:
            if not isinstance(argument.type, ir.MemRefType):
                continue
            _check_static(argument.type, function)
            first = entry.operations[0]
            buffer = _fresh_copy(argument, ir.InsertionPoint(first), function.location)
            argument.replace_all_uses_except(buffer, _copy_of(buffer))


def _copy_of(buffer: ir.Value) -> ir.Operation:
    """The `memref.copy` that fills `buffer` (its first use made by `_fresh_copy`)."""
    for use in buffer.uses:
        if use.owner.name == "memref.copy":
            return use.owner.operation
    raise AssertionError("buffer without its copy")


def copy_in_globals(module: ir.Operation) -> None:
    """Replace each use of a `memref.get_global` by a fresh copy of the global."""
    for get_global in _collect(module, "memref.get_global"):
        value = get_global.results[0]
        if not list(value.uses):
            continue
        buffer = _fresh_copy(value, ir.InsertionPoint.after(get_global), get_global.location)
        value.replace_all_uses_except(buffer, _copy_of(buffer))


def _constant_index(value: ir.Value) -> int | None:
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.name != "arith.constant":
        return None
    return ir.IntegerAttr(owner.attributes["value"]).value


def thread_tile(sizes: list[int], threads: int) -> list[int]:
    """Threads per dimension of a block: the innermost dimensions first (consecutive
    threads touch consecutive elements), at most `threads` in all."""
    tile = [1] * len(sizes)
    left = threads
    for dim in reversed(range(len(sizes))[-3:]):
        tile[dim] = max(1, min(sizes[dim], left))
        left //= tile[dim]
    return tile


def _wrap_in_one_trip_parallel(op: ir.Operation) -> ir.Operation:
    """Put `op` (a top-level scf.for) inside `scf.parallel (%i) = (0) to (1) step (1)`."""
    with op.location:
        ip = ir.InsertionPoint(op)
        zero = arith.constant(ir.IndexType.get(), 0, ip=ip)
        one = arith.constant(ir.IndexType.get(), 1, ip=ip)
        loop = scf.ParallelOp([], [zero], [one], [one], [], ip=ip)
        block = loop.region.blocks.append(ir.IndexType.get())
        scf.ReduceOp([], 0, ip=ir.InsertionPoint(block))
    op.move_before(block.operations[0])
    return loop.operation


def _hoist_parallel(top: ir.Operation) -> ir.Operation | None:
    """Interchange `scf.for {... scf.for {scf.parallel {B}}}` (a perfect nest with
    constant bounds: reduction dims before parallel ones, as
    convert-linalg-to-parallel-loops emits them) into
    `scf.parallel {scf.for {... {B}}}`. Each parallel iteration then runs the
    same sequential loop over the same elements in the same order, so results are
    unchanged. Returns the new `scf.parallel`, or None (and no change) for
    another shape of nest."""
    chain, op = [top], top
    while True:
        ops = list(op.regions[0].blocks[0].operations)
        if len(ops) != 2:
            return None
        inner = ops[0].operation
        if inner.name == "scf.for":
            chain.append(inner)
            op = inner
            continue
        if inner.name != "scf.parallel" or len(inner.results):
            return None
        break
    rank = _rank(inner)
    bounds = [_constant_index(v) for v in inner.operands]
    if len(bounds) != 3 * rank or any(b is None for b in bounds):
        return None
    index = ir.IndexType.get()
    with inner.location:
        ip = ir.InsertionPoint(top)
        values = [arith.constant(index, b, ip=ip) for b in bounds]
        loop = scf.ParallelOp([], values[:rank], values[rank : 2 * rank], values[2 * rank :], [], ip=ip)
        block = loop.region.blocks.append(*([index] * rank))
        scf.ReduceOp([], 0, ip=ir.InsertionPoint(block))
    top.move_before(block.operations[0])
    body = inner.regions[0].blocks[0]
    for argument, iv in zip(body.arguments, block.arguments, strict=True):
        argument.replace_all_uses_with(iv)
    for nested in list(body.operations)[:-1]:
        nested.move_before(inner)
    inner.erase()
    return loop.operation


def _tile(loop: ir.Operation, threads: int) -> None:
    """Rewrite a top-level `scf.parallel` with constant bounds `0..N` step 1 as
    blocks over threads, guarding the remainder with `scf.if`."""
    lowers = [_constant_index(v) for v in loop.operands[: _rank(loop)]]
    rank = _rank(loop)
    uppers = [_constant_index(v) for v in loop.operands[rank : 2 * rank]]
    steps = [_constant_index(v) for v in loop.operands[2 * rank : 3 * rank]]
    if len(loop.operands) != 3 * rank or any(v != 0 for v in lowers) or any(v != 1 for v in steps):
        return  # not a normalized loop: left to map one iteration per block
    if any(v is None for v in uppers):
        raise LintraError(
            "the loops of this op have a dynamic trip count; the GPU lowering needs static shapes",
            loop.location,
        )
    tile = thread_tile(uppers, threads)
    index = ir.IndexType.get()
    body = loop.regions[0].blocks[0]
    with loop.location:
        ip = ir.InsertionPoint(loop)

        def const(value):
            return arith.constant(index, value, ip=ip)

        zeros, ones = [const(0)] * rank, [const(1)] * rank
        grid = [const(-(-n // t)) for n, t in zip(uppers, tile, strict=True)]
        outer = scf.ParallelOp([], zeros, grid, ones, [], ip=ip)
        outer_block = outer.region.blocks.append(*([index] * rank))
        inner_ip = ir.InsertionPoint(outer_block)
        tile_values = [arith.constant(index, t, ip=inner_ip) for t in tile]
        inner_zeros = [arith.constant(index, 0, ip=inner_ip)] * rank
        inner_ones = [arith.constant(index, 1, ip=inner_ip)] * rank
        inner = scf.ParallelOp([], inner_zeros, tile_values, inner_ones, [], ip=inner_ip)
        scf.ReduceOp([], 0, ip=inner_ip)
        inner_block = inner.region.blocks.append(*([index] * rank))
        body_ip = ir.InsertionPoint(inner_block)
        ivs, inside = [], None
        for dim in range(rank):
            scaled = arith.muli(outer_block.arguments[dim], tile_values[dim], ip=body_ip)
            iv = arith.addi(scaled, inner_block.arguments[dim], ip=body_ip)
            ivs.append(iv)
            if uppers[dim] % tile[dim]:
                bound = arith.constant(index, uppers[dim], ip=body_ip)
                check = arith.cmpi(arith.CmpIPredicate.ult, iv, bound, ip=body_ip)
                inside = check if inside is None else arith.andi(inside, check, ip=body_ip)
        if inside is not None:
            guard = scf.IfOp(inside, ip=body_ip)
            target_ip = ir.InsertionPoint(guard.then_block)
            scf.YieldOp([], ip=target_ip)
            target = guard.then_block
        else:
            target = inner_block
        scf.ReduceOp([], 0, ip=body_ip)
    for argument, iv in zip(body.arguments, ivs, strict=True):
        argument.replace_all_uses_with(iv)
    anchor = target.operations[len(target.operations) - 1]
    for op in list(body.operations)[:-1]:  # all but the scf.reduce terminator
        op.move_before(anchor)
    loop.erase()


def _rank(loop: ir.Operation) -> int:
    return len(loop.regions[0].blocks[0].arguments)


def first_parallel_loop(op: ir.Operation) -> ir.Operation | None:
    """The first `scf.parallel` nested in `op` (or `op` itself), in walk order."""
    found = []

    def visit(nested):
        if nested.name == "scf.parallel":
            found.append(nested)
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    return found[0] if found else None


def _map_block(block: ir.Block, threads: int) -> None:
    """Tile the loop nests of a block of host code (see `tile_loop_nests`)."""
    for op in list(block.operations):
        op = op.operation
        if op.name == "scf.parallel":
            if len(op.results):
                raise LintraError.at(op, "has reductions, which the GPU lowering does not map")
            _tile(op, threads)
            continue
        if op.name == "scf.for" and not len(op.results):
            loop = _hoist_parallel(op)
            if loop is None and first_parallel_loop(op) is None:
                loop = _wrap_in_one_trip_parallel(op)
            if loop is not None:
                _tile(loop, threads)
                continue
        # Host control flow (or a loop launching kernels): map what is inside.
        for region in op.regions:
            for nested in region.blocks:
                _map_block(nested, threads)


def tile_loop_nests(module: ir.Operation, threads: int) -> None:
    """Make every loop nest of every function a blocks-over-threads nest: the
    top-level ones, and those inside host control flow (an `scf.for` carrying
    buffers, an `scf.if`), which then launches kernels."""
    for function in _function_bodies(module):
        _map_block(function.regions[0].blocks[0], threads)


def allocate_on_gpu(module: ir.Operation) -> None:
    """`memref.alloc` -> `gpu.alloc host_shared`, `memref.dealloc` -> `gpu.dealloc`."""
    for alloc in _collect(module, "memref.alloc"):
        _check_static(alloc.results[0].type, alloc)
        with alloc.location:
            shared = gpu.AllocOp(
                alloc.results[0].type, None, [], [], [], hostShared=True, ip=ir.InsertionPoint(alloc)
            )
        alloc.results[0].replace_all_uses_with(shared.results[0])
        alloc.erase()
    for dealloc in _collect(module, "memref.dealloc"):
        # gpu-to-llvm lowers only an asynchronous gpu.dealloc: on a fresh stream,
        # then waited for (test/regressions/upstream/gpu-to-llvm-sync-dealloc.mlir).
        with dealloc.location:
            ip = ir.InsertionPoint(dealloc)
            token_type = gpu.AsyncTokenType.get()
            stream = gpu.WaitOp(token_type, [], ip=ip).result
            freed = gpu.DeallocOp(token_type, [stream], dealloc.operands[0], ip=ip).result
            gpu.WaitOp(None, [freed], ip=ip)
        dealloc.erase()
