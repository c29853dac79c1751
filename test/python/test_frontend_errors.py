"""User errors of the frontend are Python exceptions with clear messages, raised by
the frontend's own checks (never an MLIR verifier failure or a crash)."""

import numpy as np
import pytest

import lintra
import lintra.numpy as lnp

X3, X4 = np.ones(3), np.ones(4)


def raises_without_compiling(exception, match, fun, *args):
    """`fun(*args)` raises `exception` matching `match`, and nothing was compiled."""
    before = lintra.cache_info().misses
    with pytest.raises(exception, match=match):
        fun(*args)
    assert lintra.cache_info().misses == before


@pytest.mark.parametrize("argument", ["text", object(), [1.0, "a"], 1 + 2j, None.__class__])
def test_non_array_arguments(argument):
    raises_without_compiling(TypeError, "not a valid lintra argument", lintra.jit(lambda x: x), argument)
    raises_without_compiling(TypeError, "not a valid lintra argument", lintra.grad(lambda x: x), argument)


def test_non_array_operand_inside_a_trace():
    raises_without_compiling(
        TypeError,
        "sin requires array or scalar arguments, got str",
        lintra.jit(lambda x: lnp.sin("x") + x),
        1.0,
    )
    raises_without_compiling(
        TypeError,
        "add requires array or scalar arguments, got list",
        lintra.jit(lambda x: lnp.add(x, [1.0])),
        1.0,
    )


@pytest.mark.parametrize(
    "fun, args, exception, match",
    [
        (
            lambda x, y: x + y,
            (X3, X4),
            TypeError,
            r"add got incompatible shapes for broadcasting: \(3,\), \(4,\)",
        ),
        (lambda x, y: x @ y, (np.ones((2, 3)), np.ones((4, 2))), TypeError, "contracting dimensions differ"),
        (lambda x, y: lnp.where(x > 0, x, y), (X3, X4), TypeError, "where got incompatible shapes"),
        (lambda x, y: lnp.concatenate([x, y[None]]), (X3, np.ones((2, 2))), TypeError, "same shape except"),
        (lambda x, y: lnp.stack([x, y]), (X3, X4), ValueError, "same shape"),
        (lambda x, y: x.reshape(2, 2), (X3, X4), TypeError, r"cannot reshape array of shape \(3,\)"),
        (lambda x, y: lnp.broadcast_to(x, (4,)), (X3, X4), ValueError, "cannot broadcast"),
        (lambda x, y: lnp.sum(x, axis=1), (X3, X4), ValueError, "axis 1 is out of bounds"),
        (lambda x, y: x[3], (X3, X4), IndexError, "index 3 is out of bounds"),
        (lambda x, y: x[0, 0], (X3, X4), IndexError, "too many indices"),
        (lambda x, y: x[::-1], (X3, X4), NotImplementedError, "negative step"),
        (
            lambda x, y: lintra.jvp(lnp.sin, (x,), (y,)),
            (X3, X4),
            ValueError,
            "different primal and tangent shapes",
        ),
        (lambda x, y: lintra.jvp(lnp.sin, (x,), (x.astype(lnp.float32),)), (X3, X4), TypeError, "dtypes"),
        (lambda x, y: lintra.jvp(lnp.sin, x, x), (X3, X4), TypeError, "must be a tuple or a list"),
    ],
)
def test_shape_and_argument_mismatches(fun, args, exception, match):
    raises_without_compiling(exception, match, lintra.jit(fun), *args)


@pytest.mark.parametrize("dtype", [np.float16, np.uint8, np.complex128, np.int8])
def test_unsupported_dtypes(dtype):
    array = np.ones(3, dtype)
    raises_without_compiling(
        TypeError, f"unsupported dtype {np.dtype(dtype)}", lintra.jit(lambda x: x), array
    )
    raises_without_compiling(TypeError, "unsupported dtype", lintra.jit(lambda x: x + array), 1.0)
    with pytest.raises(TypeError, match="unsupported dtype"):
        lnp.zeros(3, dtype)


@pytest.mark.parametrize(
    "fun, match",
    [
        (lambda x: x * 2, r"Gradient only defined for scalar-output functions.*Output had shape: \(3,\)"),
        (lambda x: (lnp.sum(x), lnp.sum(x)), "scalar-output"),
        (lambda x: lnp.sum(x > 0), "dtype int64"),
    ],
)
def test_grad_requires_a_float_scalar_output(fun, match):
    raises_without_compiling(TypeError, match, lintra.grad(fun), X3)
    with pytest.raises(TypeError, match="scalar-output"):
        lintra.jit(lambda x: lintra.grad(fun)(x))(X3)


def test_grad_requires_float_inputs_and_valid_argnums():
    raises_without_compiling(
        TypeError,
        "real-valued inputs.*argument 0 has dtype int64",
        lintra.grad(lambda i: lnp.sum(i * 1.0)),
        np.arange(3),
    )
    raises_without_compiling(
        ValueError, "argnums 2 out of range", lintra.grad(lambda x: lnp.sum(x), argnums=2), X3
    )
    raises_without_compiling(TypeError, "has_aux=True", lintra.grad(lambda x: lnp.sum(x), has_aux=True), X3)


@pytest.mark.parametrize(
    "fun, match",
    [
        (lambda v: lnp.sin(v), "'math.sin' op is applied to a linear value"),
        (lambda v: v * v, "multiplies two linear values"),
        (lambda v: v + 1.0, "affine, not linear"),
    ],
)
def test_linear_transpose_rejects_non_linear_functions(fun, match):
    with pytest.raises(ValueError, match=f"linear_transpose: the function is not linear.*{match}"):
        lintra.linear_transpose(fun, X3)


def test_linear_transpose_requires_float_primals():
    with pytest.raises(TypeError, match="float inputs"):
        lintra.linear_transpose(lambda i: i * 2, np.arange(3))


@pytest.mark.parametrize("index", [np.array([0, 2]), np.array(1)])
def test_indexing_with_a_traced_integer_array_gathers(index):
    """Integer-array indexing with a traced index is a gather (issue 10), and
    the index is never compared with `...` through == (issue 6 item 7)."""
    x = np.arange(4.0)
    np.testing.assert_array_equal(lintra.jit(lambda x, i: x[i])(x, index), x[index])
    np.testing.assert_array_equal(lintra.jit(lambda x, i: x[..., i])(x, index), x[..., index])


def test_indexing_with_a_traced_boolean_array_is_a_clear_error():
    message = r"indexing with a traced boolean array \(bool\[4\]\) has a data-dependent shape"
    index = np.array([True, False, True, False])
    raises_without_compiling(TypeError, message, lintra.jit(lambda x, i: x[i]), np.arange(4.0), index)


def test_static_indices_with_an_ellipsis_and_0d_integer_arrays():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(lintra.jit(lambda a: a[..., np.array(1)])(x), x[..., 1])
    np.testing.assert_array_equal(lintra.jit(lambda a: a[1, ...])(x), x[1])
    np.testing.assert_array_equal(lintra.jit(lambda a: a[np.array([0, 1])])(x), x[np.array([0, 1])])


@pytest.mark.parametrize(
    "primals, tangents, structures",
    [
        ([1.0], (1.0,), r"PyTreeSpec\(\[\*\]\) whereas tangents have tree structure PyTreeSpec\(\(\*,\)\)"),
        ((1.0,), [1.0], r"PyTreeSpec\(\(\*,\)\) whereas tangents have tree structure PyTreeSpec\(\[\*\]\)"),
        (
            ({"a": 1.0},),
            ([1.0],),
            r"PyTreeSpec\(\(\{'a': \*\},\)\) whereas tangents have tree structure PyTreeSpec\(\(\[\*\],\)\)",
        ),
    ],
)
def test_jvp_primals_and_tangents_must_have_the_same_tree(primals, tangents, structures):
    """As jax.jvp: a list of primals with a tuple of tangents is rejected."""
    with pytest.raises(
        TypeError,
        match="primal and tangent arguments to jvp must have the same tree "
        f"structure; primals have tree structure {structures}",
    ):
        lintra.jvp(lambda x: x, primals, tangents)


@pytest.mark.parametrize(
    "cotangent, got",
    [
        (np.ones(3, np.int64), r"int64\[3\]"),
        (np.ones(3, np.float32), r"float32\[3\]"),
        (np.ones(2), r"float64\[2\]"),
        (1.0, r"float64\[\]"),
    ],
)
def test_vjp_function_rejects_a_cotangent_of_another_type(cotangent, got):
    """As jax.vjp: the cotangent has exactly the output's dtype and shape (an int64
    cotangent was converted silently)."""
    match = (
        f"unexpected type \\(e.g. shape/dtype\\) for argument to VJP function: got {got}, but "
        r"expected float64\[3\] because the corresponding output of the differentiated function "
        r"had type float64\[3\]"
    )
    vjp_fn = lintra.vjp(lnp.sin, X3)[1]
    with pytest.raises(ValueError, match=match):
        vjp_fn(cotangent)
    traced = lintra.jit(lambda x, ct: lintra.vjp(lnp.sin, x)[1](ct))
    raises_without_compiling(ValueError, match, traced, X3, cotangent)
    np.testing.assert_allclose(vjp_fn(X3)[0], np.cos(X3))


def test_linear_transpose_rejects_a_cotangent_of_another_type():
    transposed = lintra.linear_transpose(lambda v: 2 * v, X3)
    with pytest.raises(
        TypeError,
        match=r"linear_transpose: cotangent type does not match function "
        r"output, expected float64\[3\] but got int64\[3\]",
    ):
        transposed(np.ones(3, np.int64))


def test_backend_errors_point_at_the_users_line(monkeypatch):
    """What the backend compiles keeps the traced ops' Python locations, so an
    error there (here mlir-cpu's buffer check) names the user's file and line."""
    import lintra.runtime

    monkeypatch.setattr(lintra.runtime, "available_memory", lambda: 4000)

    def f(x):
        return lnp.sum(lnp.broadcast_to(x, (1000,)))  # the 8000-byte buffer

    line = f.__code__.co_firstlineno + 1
    with pytest.raises(MemoryError, match=rf"at \S*test_frontend_errors.py:{line}:"):
        lintra.jit(f, backend="mlir-cpu")(1.0)
