"""Tests for lintra.runtime (JIT) and the lintra-lower-to-llvm pipeline behind it."""

import math
import subprocess
from pathlib import Path

import mlir
import numpy as np
import pytest
from mlir import ir

from lintra.dialect import make_context
from lintra.runtime import compile_function, mlir_element_type, numpy_dtype

RNG = np.random.default_rng(0)
TOL = {np.float32: dict(rtol=2e-6, atol=1e-7), np.float64: dict(rtol=1e-13, atol=1e-15)}


def run(source, *args, name="f"):
    return compile_function(source, name)(*args)


def rand(shape, dtype=np.float64, low=-1.0, high=1.0):
    return RNG.uniform(low, high, shape).astype(dtype)


def ttype(shape, element="f64"):
    return f"tensor<{''.join(f'{d}x' for d in shape)}{element}>"


# ----------------------------------------------------------------- scalars, results


def test_scalars_in_and_out():
    source = """
    func.func @f(%a: f64, %b: f32, %c: i32, %d: i64, %e: index, %p: i1)
        -> (f64, f32, i32, i64, index, i1) {
      %a2 = arith.mulf %a, %a : f64
      %b2 = arith.addf %b, %b : f32
      %c2 = arith.muli %c, %c : i32
      %d2 = arith.subi %d, %d : i64
      %one = arith.constant 1 : index
      %e2 = arith.addi %e, %one : index
      %true = arith.constant true
      %p2 = arith.xori %p, %true : i1
      return %a2, %b2, %c2, %d2, %e2, %p2 : f64, f32, i32, i64, index, i1
    }"""
    exe = compile_function(source, "f")
    assert exe.input_types == ("f64", "f32", "i32", "i64", "index", "i1")
    assert exe.result_types == exe.input_types
    outputs = exe(1.5, np.float32(2.25), 7, np.int64(-3), 41, True)
    expected = [2.25, 4.5, 49, 0, 42, False]
    dtypes = [np.float64, np.float32, np.int32, np.int64, np.int64, np.bool_]
    for output, value, dtype in zip(outputs, expected, dtypes, strict=True):
        assert output.shape == () and output.dtype == dtype and output == value
    assert exe(0.0, 0.0, 0, 0, 0, np.bool_(False))[5] == True  # noqa: E712


def test_multiple_mixed_results_and_no_arguments():
    source = """
    func.func @f() -> (tensor<2xf32>, f64, tensor<2x2xf64>) {
      %t = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %s = arith.constant 3.0 : f64
      %m = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>
      return %t, %s, %m : tensor<2xf32>, f64, tensor<2x2xf64>
    }"""
    t, s, m = run(source)
    assert t.dtype == np.float32 and s.dtype == np.float64 and s == 3.0
    assert np.array_equal(t, [1, 2]) and np.array_equal(m, [[1, 2], [3, 4]])


def test_result_aliasing_an_argument_and_itself():
    source = """
    func.func @f(%x: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>, tensor<2xf64>) {
      %s = tensor.extract_slice %x[1] [2] [1] : tensor<3xf64> to tensor<2xf64>
      return %x, %x, %s : tensor<3xf64>, tensor<3xf64>, tensor<2xf64>
    }"""
    x = np.array([1.0, 2.0, 3.0])
    a, b, s = run(source, x)
    np.testing.assert_array_equal(a, x)
    np.testing.assert_array_equal(b, x)
    np.testing.assert_array_equal(s, x[1:])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
def test_tensor_ranks(dtype, shape):
    t = ttype(shape, mlir_element_type(dtype))
    source = f"""
    func.func @f(%x: {t}, %y: {t}) -> {t} {{
      %p = arith.mulf %x, %y : {t}
      %s = arith.addf %p, %x : {t}
      return %s : {t}
    }}"""
    x, y = rand(shape, dtype), rand(shape, dtype)
    (out,) = run(source, x, y)
    assert out.shape == shape and out.dtype == dtype
    np.testing.assert_allclose(out, x * y + x, **TOL[dtype])


# ----------------------------------------------------------------------- math ops
_erf = np.vectorize(math.erf)
UNARY = {
    # op: (numpy reference, low, high)
    "sin": (np.sin, -3, 3),
    "cos": (np.cos, -3, 3),
    "tan": (np.tan, -1.2, 1.2),
    "tanh": (np.tanh, -3, 3),
    "exp": (np.exp, -3, 3),
    "exp2": (np.exp2, -3, 3),
    "expm1": (np.expm1, -1e-5, 1e-5),
    "log": (np.log, 0.01, 5),
    "log1p": (np.log1p, -1e-5, 1e-5),
    "log2": (np.log2, 0.01, 5),
    "sqrt": (np.sqrt, 0, 5),
    "rsqrt": (lambda x: 1 / np.sqrt(x), 0.1, 5),
    "absf": (np.abs, -3, 3),
    "erf": (lambda x: _erf(x).astype(x.dtype), -2, 2),
    "atan": (np.arctan, -4, 4),
    "sinh": (np.sinh, -3, 3),
    "cosh": (np.cosh, -3, 3),
    "floor": (np.floor, -3, 3),
    "ceil": (np.ceil, -3, 3),
    "round": (lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5), -3, 3),
}
BINARY = {
    "powf": (np.power, (0.1, 3), (-2, 2)),
    "atan2": (np.arctan2, (-2, 2), (-2, 2)),
    "copysign": (np.copysign, (-2, 2), (-2, 2)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_math(op, dtype):
    reference, low, high = UNARY[op]
    element = mlir_element_type(dtype)
    source = f"""
    func.func @f(%x: tensor<16x{element}>, %s: {element}) -> (tensor<16x{element}>, {element}) {{
      %y = math.{op} %x : tensor<16x{element}>
      %t = math.{op} %s : {element}
      return %y, %t : tensor<16x{element}>, {element}
    }}"""
    x = rand((16,), dtype, low, high)
    if op == "round":
        x[:4] = [-2.5, -0.5, 0.5, 1.5]
    y, t = run(source, x, x[5])
    np.testing.assert_allclose(y, reference(x), **TOL[dtype])
    np.testing.assert_allclose(t, reference(x[5]), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_math(op, dtype):
    reference, (low_x, high_x), (low_y, high_y) = BINARY[op]
    t = ttype((3, 5), mlir_element_type(dtype))
    source = f"""
    func.func @f(%x: {t}, %y: {t}) -> {t} {{
      %z = math.{op} %x, %y : {t}
      return %z : {t}
    }}"""
    x, y = rand((3, 5), dtype, low_x, high_x), rand((3, 5), dtype, low_y, high_y)
    (z,) = run(source, x, y)
    np.testing.assert_allclose(z, reference(x, y), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fpowi(dtype):
    element = mlir_element_type(dtype)
    source = f"""
    func.func @f(%x: tensor<6x{element}>, %n: tensor<6xi32>, %s: {element}, %k: i64)
        -> (tensor<6x{element}>, {element}) {{
      %y = math.fpowi %x, %n : tensor<6x{element}>, tensor<6xi32>
      %t = math.fpowi %s, %k : {element}, i64
      return %y, %t : tensor<6x{element}>, {element}
    }}"""
    x = rand((6,), dtype, 0.5, 2)
    n = np.array([0, 1, 2, 5, -1, -3], np.int32)
    y, t = run(source, x, n, dtype(1.5), 7)
    np.testing.assert_allclose(y, x.astype(np.float64) ** n, rtol=1e-6 if dtype == np.float32 else 1e-14)
    np.testing.assert_allclose(t, 1.5**7)


# ----------------------------------------------------------------- linalg, tensor
def maps(a, b):
    """`indexing_maps` for a linalg.matmul reading A as `a` and B as `b`."""
    return f"indexing_maps = [affine_map<(m, n, k) -> ({a})>, affine_map<(m, n, k) -> ({b})>, affine_map<(m, n, k) -> (m, n)>]"


MATMUL_CASES = {  # op, operand shapes, result shape, reference, attributes
    "matmul": ("linalg.matmul", [(4, 3), (3, 5)], (4, 5), lambda a, b: a @ b, ""),
    "matmul_ta": ("linalg.matmul", [(3, 4), (3, 5)], (4, 5), lambda a, b: a.T @ b, maps("k, m", "k, n")),
    "matmul_tb": ("linalg.matmul", [(4, 3), (5, 3)], (4, 5), lambda a, b: a @ b.T, maps("m, k", "n, k")),
    "batch_matmul": ("linalg.batch_matmul", [(2, 4, 3), (2, 3, 5)], (2, 4, 5), lambda a, b: a @ b, ""),
    "matvec": ("linalg.matvec", [(4, 3), (3,)], (4,), lambda a, b: a @ b, ""),
    "vecmat": ("linalg.vecmat", [(3,), (3, 5)], (5,), lambda a, b: a @ b, ""),
    "dot": ("linalg.dot", [(6,), (6,)], (), np.dot, ""),
}


@pytest.mark.parametrize("case", sorted(MATMUL_CASES))
def test_contractions(case):
    op, (sa, sb), so, reference, maps = MATMUL_CASES[case]
    ta, tb, to = ttype(sa), ttype(sb), ttype(so)
    source = f"""
    func.func @f(%a: {ta}, %b: {tb}) -> {to} {{
      %zero = arith.constant 0.0 : f64
      %e = tensor.empty() : {to}
      %init = linalg.fill ins(%zero : f64) outs(%e : {to}) -> {to}
      %r = {op} {maps} ins(%a, %b : {ta}, {tb}) outs(%init : {to}) -> {to}
      return %r : {to}
    }}"""
    a, b = rand(sa), rand(sb)
    (r,) = run(source, a, b)
    np.testing.assert_allclose(r, reference(a, b), rtol=1e-13)


def test_reduce_broadcast_transpose_map_generic_copy():
    source = """
    #id = affine_map<(i, j) -> (i, j)>
    func.func @f(%x: tensor<3x4xf64>, %v: tensor<4xf64>)
        -> (tensor<4xf64>, tensor<3x4xf64>, tensor<4x3xf64>, tensor<3x4xf64>, tensor<3x4xf64>, tensor<4xf64>) {
      %zero = arith.constant 0.0 : f64
      %e4 = tensor.empty() : tensor<4xf64>
      %acc = linalg.fill ins(%zero : f64) outs(%e4 : tensor<4xf64>) -> tensor<4xf64>
      %sum = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%acc : tensor<4xf64>) dimensions = [0]
        (%in: f64, %out: f64) {
          %s = arith.addf %in, %out : f64
          linalg.yield %s : f64
        }
      %e34 = tensor.empty() : tensor<3x4xf64>
      %b = linalg.broadcast ins(%v : tensor<4xf64>) outs(%e34 : tensor<3x4xf64>) dimensions = [0]
      %e43 = tensor.empty() : tensor<4x3xf64>
      %t = linalg.transpose ins(%x : tensor<3x4xf64>) outs(%e43 : tensor<4x3xf64>) permutation = [1, 0]
      %m = linalg.map { arith.mulf } ins(%x, %b : tensor<3x4xf64>, tensor<3x4xf64>) outs(%e34 : tensor<3x4xf64>)
      %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
          ins(%x : tensor<3x4xf64>) outs(%e34 : tensor<3x4xf64>) {
        ^bb0(%in: f64, %out: f64):
          %sq = arith.mulf %in, %in : f64
          %y = math.exp %sq : f64
          linalg.yield %y : f64
      } -> tensor<3x4xf64>
      %c = linalg.copy ins(%v : tensor<4xf64>) outs(%e4 : tensor<4xf64>) -> tensor<4xf64>
      return %sum, %b, %t, %m, %g, %c
          : tensor<4xf64>, tensor<3x4xf64>, tensor<4x3xf64>, tensor<3x4xf64>, tensor<3x4xf64>, tensor<4xf64>
    }"""
    x, v = rand((3, 4)), rand((4,))
    total, b, t, m, g, c = run(source, x, v)
    np.testing.assert_allclose(total, x.sum(axis=0), rtol=1e-13)
    np.testing.assert_array_equal(b, np.broadcast_to(v, (3, 4)))
    np.testing.assert_array_equal(t, x.T)
    np.testing.assert_array_equal(m, x * v)
    np.testing.assert_allclose(g, np.exp(x * x), rtol=1e-13)
    np.testing.assert_array_equal(c, v)


def test_tensor_reshapes_and_slices():
    source = """
    func.func @f(%x: tensor<2x6xf64>, %y: tensor<2x3xf64>)
        -> (tensor<2x2x3xf64>, tensor<6xf64>, tensor<2x2xf64>, tensor<2x6xf64>, tensor<4x6xf64>, tensor<4x9xf64>) {
      %e = tensor.expand_shape %x [[0], [1, 2]] output_shape [2, 2, 3] : tensor<2x6xf64> into tensor<2x2x3xf64>
      %c = tensor.collapse_shape %y [[0, 1]] : tensor<2x3xf64> into tensor<6xf64>
      %s = tensor.extract_slice %x[0, 1] [2, 2] [1, 3] : tensor<2x6xf64> to tensor<2x2xf64>
      %i = tensor.insert_slice %y into %x[0, 3] [2, 3] [1, 1] : tensor<2x3xf64> into tensor<2x6xf64>
      %cat = tensor.concat dim(0) %x, %x : (tensor<2x6xf64>, tensor<2x6xf64>) -> tensor<4x6xf64>
      %pad_value = arith.constant 7.0 : f64
      %p = tensor.pad %y low[1, 2] high[1, 4] {
        ^bb0(%a: index, %b: index):
          tensor.yield %pad_value : f64
      } : tensor<2x3xf64> to tensor<4x9xf64>
      return %e, %c, %s, %i, %cat, %p
          : tensor<2x2x3xf64>, tensor<6xf64>, tensor<2x2xf64>, tensor<2x6xf64>, tensor<4x6xf64>, tensor<4x9xf64>
    }"""
    x, y = rand((2, 6)), rand((2, 3))
    e, c, s, i, cat, p = run(source, x, y)
    np.testing.assert_array_equal(e, x.reshape(2, 2, 3))
    np.testing.assert_array_equal(c, y.reshape(6))
    np.testing.assert_array_equal(s, x[:, 1::3])
    expected = x.copy()
    expected[:, 3:] = y
    np.testing.assert_array_equal(i, expected)
    np.testing.assert_array_equal(cat, np.concatenate([x, x]))
    np.testing.assert_array_equal(p, np.pad(y, ((1, 1), (2, 4)), constant_values=7.0))


def test_tensor_element_ops():
    source = """
    func.func @f(%x: tensor<3xf32>, %s: f32, %k: index) -> (f32, tensor<3xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<3xf32>) {
      %v = tensor.extract %x[%k] : tensor<3xf32>
      %w = tensor.insert %s into %x[%k] : tensor<3xf32>
      %f = tensor.from_elements %v, %s : tensor<2xf32>
      %sp = tensor.splat %s : tensor<2x2xf32>
      %d = tensor.cast %x : tensor<3xf32> to tensor<?xf32>
      %c = tensor.cast %d : tensor<?xf32> to tensor<3xf32>
      return %v, %w, %f, %sp, %c : f32, tensor<3xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<3xf32>
    }"""
    x = np.array([1, 2, 3], np.float32)
    v, w, f, sp, c = run(source, x, 9.0, 1)
    assert v == 2.0
    np.testing.assert_array_equal(w, [1, 9, 3])
    np.testing.assert_array_equal(f, [2, 9])
    np.testing.assert_array_equal(sp, np.full((2, 2), 9.0))
    np.testing.assert_array_equal(c, x)
    np.testing.assert_array_equal(x, [1, 2, 3])


# ------------------------------------------------------------- contracts, errors

IN_PLACE = """
func.func @f(%x: tensor<4xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %zero = arith.constant 0.0 : f64
  %c0 = arith.constant 0 : index
  %x2 = tensor.insert %zero into %x[%c0] : tensor<4xf64>
  %r = linalg.map { arith.addf } ins(%x2, %y : tensor<4xf64>, tensor<4xf64>) outs(%y : tensor<4xf64>)
  return %r : tensor<4xf64>
}"""


def test_inputs_are_not_modified_and_module_not_mutated():
    with make_context():
        module = ir.Module.parse(IN_PLACE)
    before = str(module)
    exe = compile_function(module, "f")
    assert str(module) == before
    assert "llvm.func" in exe.lowered_text and "linalg" not in exe.lowered_text
    x, y = np.arange(4.0), np.ones(4)
    x_copy, y_copy = x.copy(), y.copy()
    (r,) = exe(x, y)
    np.testing.assert_array_equal(r, [1, 2, 3, 4])
    assert np.array_equal(x, x_copy) and np.array_equal(y, y_copy)
    (r_again,) = exe(x[::-1].copy(), y)  # fresh results, no state between calls
    np.testing.assert_array_equal(r_again, [1, 3, 2, 1])
    np.testing.assert_array_equal(r, [1, 2, 3, 4])
    (r_strided,) = exe(np.arange(8.0)[::2], np.ones((4, 2))[:, 0])  # non-contiguous inputs
    np.testing.assert_array_equal(r_strided, [1, 3, 5, 7])


def test_repeated_calls():
    source = """
    func.func @f(%x: tensor<64x64xf32>, %s: f32) -> (tensor<64x64xf32>, f32) {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<64x64xf32>
      %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
      %t = math.tanh %x : tensor<64x64xf32>
      %m = linalg.matmul ins(%t, %x : tensor<64x64xf32>, tensor<64x64xf32>) outs(%init : tensor<64x64xf32>) -> tensor<64x64xf32>
      %e0 = tensor.empty() : tensor<f32>
      %acc = linalg.fill ins(%s : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
      %sum = linalg.reduce ins(%m : tensor<64x64xf32>) outs(%acc : tensor<f32>) dimensions = [0, 1]
        (%in: f32, %out: f32) {
          %a = arith.addf %in, %out : f32
          linalg.yield %a : f32
        }
      %v = tensor.extract %sum[] : tensor<f32>
      return %m, %v : tensor<64x64xf32>, f32
    }"""
    exe = compile_function(source, "f")
    x = rand((64, 64), np.float32)
    expected = np.tanh(x) @ x
    for step in range(1000):
        m, v = exe(x, float(step))
    np.testing.assert_allclose(m, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(v, expected.sum() + 999, rtol=1e-4)


def test_bad_arguments():
    exe = compile_function(
        "func.func @f(%x: tensor<2x3xf32>, %n: i32) -> tensor<2x3xf32> { return %x : tensor<2x3xf32> }", "f"
    )
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        exe(x)
    with pytest.raises(TypeError, match="dtype float32"):
        exe(x.astype(np.float64), 1)
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        exe(np.zeros((3, 2), np.float32), 1)
    with pytest.raises(TypeError, match="numpy array"):
        exe([[0.0] * 3] * 2, 1)
    with pytest.raises(TypeError, match="integer"):
        exe(x, 1.5)
    with pytest.raises(TypeError, match="bool"):
        exe(x, True)
    with pytest.raises(ValueError, match="does not fit"):
        exe(x, 2**40)
    with pytest.raises(ValueError, match="scalar"):
        exe(x, np.array([1, 2]))
    assert exe(x, np.array(3, np.int32))[0].shape == (2, 3)


def test_bad_functions():
    with pytest.raises(ValueError, match="no func.func @g"):
        compile_function(IN_PLACE, "g")
    with pytest.raises(ValueError, match="unsupported element type 'f16'"):
        compile_function("func.func @f(%x: f16) -> f16 { return %x : f16 }", "f")
    with pytest.raises(ValueError, match="static shape"):
        compile_function(
            "func.func @f(%x: tensor<?xf32>) -> f32 { %c = arith.constant 0.0 : f32\n return %c : f32 }", "f"
        )
    with pytest.raises(TypeError):
        compile_function(42, "f")


def test_dtype_helpers():
    assert numpy_dtype("f32") == np.float32 and numpy_dtype("index") == np.int64
    assert mlir_element_type(np.bool_) == "i1" and mlir_element_type("float64") == "f64"
    with pytest.raises(ValueError):
        numpy_dtype("bf16")


def test_compare_and_select_on_tensors():
    source = """
    func.func @f(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
      %zero = arith.constant dense<0.0> : tensor<2x3xf64>
      %positive = arith.cmpf ogt, %x, %zero : tensor<2x3xf64>
      %relu = arith.select %positive, %x, %zero : tensor<2x3xi1>, tensor<2x3xf64>
      return %relu : tensor<2x3xf64>
    }"""
    x = rand((2, 3))
    (r,) = run(source, x)
    np.testing.assert_array_equal(r, np.maximum(x, 0))


def test_loops_yielding_buffers():
    """Buffers yielded by scf.for and scf.if: their deallocation passes memref<?xi1>
    ownership flags, stored as i8 (passes/i1_memrefs.py)."""
    source = """
    func.func @f(%x: tensor<4xf64>, %n: index, %double: i1) -> tensor<4xf64> {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4xf64> {
        %y = arith.mulf %acc, %x : tensor<4xf64>
        scf.yield %y : tensor<4xf64>
      }
      %s = scf.if %double -> tensor<4xf64> {
        %t = arith.addf %r, %r : tensor<4xf64>
        scf.yield %t : tensor<4xf64>
      } else {
        scf.yield %r : tensor<4xf64>
      }
      return %s : tensor<4xf64>
    }"""
    exe = compile_function(source, "f")
    x = rand((4,))
    np.testing.assert_allclose(exe(x, 3, False)[0], x**4, rtol=1e-13)
    np.testing.assert_allclose(exe(x, 0, True)[0], 2 * x, rtol=1e-13)


def test_bool_arrays():
    """Tensors of i1 at the boundary are numpy bool arrays (a byte each), also
    carried by a loop and as constants."""
    source = """
    func.func @f(%m: tensor<5xi1>, %x: tensor<5xf64>, %n: index) -> (tensor<5xi1>, tensor<5xf64>, i1, tensor<3xi1>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %z = arith.constant dense<0.0> : tensor<5xf64>
      %k = arith.constant dense<[true, false, true]> : tensor<3xi1>
      %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%mm = %m, %acc = %x) -> (tensor<5xi1>, tensor<5xf64>) {
        %p = arith.cmpf ogt, %acc, %z : tensor<5xf64>
        %q = arith.xori %mm, %p : tensor<5xi1>
        %neg = arith.negf %acc : tensor<5xf64>
        %y = arith.select %q, %acc, %neg : tensor<5xi1>, tensor<5xf64>
        scf.yield %q, %y : tensor<5xi1>, tensor<5xf64>
      }
      %e = tensor.extract %r#0[%c1] : tensor<5xi1>
      return %r#0, %r#1, %e, %k : tensor<5xi1>, tensor<5xf64>, i1, tensor<3xi1>
    }"""
    exe = compile_function(source, "f")
    mask, x = np.array([True, False, True, True, False]), np.array([1.0, -2, 3, -4, 5])
    flags, values, flag, constant = exe(mask, x, 3)
    for _ in range(3):
        mask = mask ^ (x > 0)
        x = np.where(mask, x, -x)
    assert flags.dtype == np.bool_ and constant.dtype == np.bool_
    np.testing.assert_array_equal(flags, mask)
    np.testing.assert_array_equal(values, x)
    assert flag[()] == mask[1]
    np.testing.assert_array_equal(constant, [True, False, True])
    with pytest.raises(TypeError, match="dtype bool"):
        exe(mask.astype(np.int8), x, 1)


# ------------------------------------------------------- upstream bug reproducers

I1_MEMREF_PROGRAM = """
func.func @f(%m: memref<8xi1>, %i: index) -> i1 {
  %v = memref.load %m[%i] : memref<8xi1>
  memref.store %v, %m[%i] : memref<8xi1>
  return %v : i1
}
"""


def test_i1_memref_storage_workaround():
    """Reproducer of the upstream bug behind bool's i8 storage (lintra.dtypes,
    passes/i1_memrefs.py): finalize-memref-to-llvm aborts on a load from a memref of
    i1 (assertion `integralElementType.getWidth() >= 8`). If this test fails because
    the lowering succeeds, the workaround can go; the i1 scalar result below shows
    lintra's side of it (stored through a memref of i1, made i8)."""
    mlir_opt = Path(list(mlir.__path__)[0]) / "bin" / "mlir-opt"
    result = subprocess.run(
        [str(mlir_opt), "--finalize-memref-to-llvm", "-"],
        input=I1_MEMREF_PROGRAM,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "getWidth() >= 8" in result.stderr
    flags = run(
        "func.func @f(%x: f64) -> i1 {\n  %z = arith.constant 0.0 : f64\n"
        "  %b = arith.cmpf ogt, %x, %z : f64\n  return %b : i1\n}",
        2.0,
    )
    assert flags[0].dtype == np.bool_ and flags[0][()]


# ----------------------------------------------------------------- memory


def test_buffer_larger_than_the_memory_available_is_a_memory_error(monkeypatch):
    import lintra.runtime

    monkeypatch.setattr(lintra.runtime, "available_memory", lambda: 4000)
    source = """
    func.func @f(%x: tensor<f64>) -> tensor<f64> {
      %e = tensor.empty() : tensor<1000xf64>
      %b = linalg.broadcast ins(%x : tensor<f64>) outs(%e : tensor<1000xf64>) dimensions = [0]
      %z = arith.constant dense<0.0> : tensor<f64>
      %s = linalg.reduce ins(%b : tensor<1000xf64>) outs(%z : tensor<f64>) dimensions = [0]
        (%in: f64, %acc: f64) {
          %t = arith.addf %in, %acc : f64
          linalg.yield %t : f64
        }
      return %s : tensor<f64>
    }"""
    with pytest.raises(
        MemoryError,
        match=r"@f: 'memref.alloc' op needs a buffer of 8000 bytes "
        r"\(memref<1000xf64>\), more than the 4000 bytes of memory "
        r"available \(at \S+:3:\d+\)",
    ):
        compile_function(source, "f")
    monkeypatch.setattr(lintra.runtime, "available_memory", lambda: 8000)
    assert run(source, np.array(0.5))[0] == 500.0


@pytest.mark.parametrize(
    "backend, message",
    [
        ("mlir-cpu", "MemoryError: @lambda: 'memref.alloc' op needs a buffer of 80000000000 bytes"),
        (
            "iree-cpu",
            "MemoryError: @lambda: the IREE runtime could not allocate a buffer (RESOURCE_EXHAUSTED",
        ),
    ],
)
def test_huge_intermediate_is_a_memory_error_not_a_crash(backend, message):
    """Issue 6 item 5: an 80 GB intermediate segfaulted the process (malloc
    returned null). Run in a subprocess, so a regression cannot kill pytest, with
    its address space limited to 32 GB, so the buffer is too large on any machine."""
    import subprocess
    import sys

    program = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (32 << 30, resource.RLIM_INFINITY))\n"
        "import lintra, lintra.numpy as lnp\n"
        "try:\n"
        f"    lintra.jit(lambda x: lnp.sum(lnp.broadcast_to(x, (100000, 100000))), backend={backend!r})(1.0)\n"
        "except MemoryError as error:\n"
        "    print('MemoryError:', error)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert message in done.stdout
