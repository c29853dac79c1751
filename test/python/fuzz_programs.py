"""Deterministic random MLIR programs for fuzzing lintra's derivatives.

    text = random_program(seed)          # a module with func.func @f (and maybe @g, @h)
    case = random_case(seed)             # the same text plus inputs and expected results
    lin = random_linear_case(seed)       # func.func @L, linear in its {lintra.linear} args

A program is a random DAG of 5-15 "steps" over f64 scalars and small static
tensors (shapes (3,), (2,3), (3,2), plus the (2,), (2,2), (3,3) and 0-d tensors
that reductions, contractions and slices produce). Steps are elementwise arith
and math ops, tensor ops (extract/insert(_slice), from_elements, splat,
collapse/expand_shape, concat, pad, cast), linalg ops (fill, copy, transpose,
broadcast, reduce with add/mul/max/min bodies, map, matmul in several layouts,
matvec, vecmat, dot, batch_matmul, generic with projected-permutation maps,
broadcasts, scalar operands, one or two outputs, additive reductions, bodies
that read the output, a loop index or a captured constant) and func.calls of
a random helper @g (which may call a second helper @h). Results may be
constants, arguments, or the same value twice.

Every value is also evaluated in numpy while the program is built (the
generator is an interpreter of what it emits), on inputs drawn from the same
seed. A step is discarded and another one drawn when at those inputs it
* produces a non-finite value or one larger than `MAG` in magnitude, or
* sits within `GAP` of a kink: max/min and cmpf operands closer than GAP, a
  max/min reduction whose two best candidates are closer than GAP.
Domains are safe by construction: log and sqrt take x*x+c (c >= 0.5), division
is by y*y+c or cosh(y), and powf's base is x*x+c or exp(x). So @f is smooth
(C-infinity) in a neighbourhood of the inputs of `random_case`, and finite
differences there are accurate.

Each program is parsed and verified with `lintra.dialect.make_context()`;
a text that fails is a generator bug: it is recorded in `PARSE_FAILURES` and
another program is drawn for the seed (`random_case` tries `seed`'s
sub-seeds in order, so the result is still deterministic).

`random_linear_case` builds @L the same way from linear steps (addf/subf/negf,
mulf and divf by coefficients, select on a coefficient condition, the tensor
data movement ops, additive reductions, contractions and generics with one
linear operand, generic/map bodies linear in their linear block arguments)
and non-linear steps on the other arguments (the coefficients).

Run `python fuzz_programs.py SEED` to print a program.
"""

from __future__ import annotations

# zip(strict=False) throughout: the generators pair names with the values they
# have, where regions hold more block arguments than the operands picked.
import itertools
import math
import random
import sys
from dataclasses import dataclass

import numpy as np

MAG = 30.0  # largest magnitude any value may take at the generated inputs
GAP = 1e-2  # smallest distance from a kink (max/min ties, cmpf boundaries)

S = "s"  # the f64 scalar type; tensor types are shape tuples (() is tensor<f64>)
ARG_TYPES = [S, (3,), (2, 3), (3, 2)]
POOL_TYPES = [S, (), (2,), (3,), (2, 3), (3, 2), (2, 2), (3, 3)]
TENSOR_TYPES = [t for t in POOL_TYPES if t != S]

PARSE_FAILURES: list[tuple[int, str, str]] = []  # (sub-seed, error, text) of rejected programs


class Reject(Exception):
    """The proposed step is unsafe at the current inputs; draw another one."""


def tstr(t) -> str:
    if t == S:
        return "f64"
    if t in ("index", "i64"):
        return t
    return "tensor<" + "".join(f"{d}x" for d in t) + "f64>"


def checked(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)) or np.any(np.abs(x) > MAG):
        raise Reject()
    return x


def gap(a, b) -> None:
    if np.any(np.abs(np.asarray(a) - np.asarray(b)) < GAP):
        raise Reject()


def fmt(x: float) -> str:
    text = repr(float(x))
    return text if ("." in text or "e" in text) else text + ".0"


def dense(values: np.ndarray) -> str:
    if values.ndim == 0:
        return fmt(values)
    return "[" + ", ".join(dense(v) for v in values) + "]"


def amap(n: int, dims) -> str:
    names = ", ".join(f"d{i}" for i in range(n))
    return f"affine_map<({names}) -> ({', '.join(f'd{d}' for d in dims)})>"


def expand_to(arr, dims, sizes) -> np.ndarray:
    """Broadcast `arr` (axis k is loop dim dims[k]) to the iteration space `sizes`."""
    arr = np.asarray(arr, dtype=np.float64)
    order = sorted(range(len(dims)), key=lambda k: dims[k])
    arr = np.transpose(arr, order) if len(dims) > 1 else arr
    shape = [sizes[d] if d in dims else 1 for d in range(len(sizes))]
    return np.broadcast_to(arr.reshape(shape), sizes)


def slices(offsets, sizes, strides):
    return tuple(slice(o, o + s * st, st) for o, s, st in zip(offsets, sizes, strides, strict=False))


ERF = np.vectorize(math.erf, otypes=[np.float64])

UNARY = {
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tanh": np.tanh,
    "math.exp": np.exp,
    "math.atan": np.arctan,
    "math.erf": lambda x: ERF(x),
    "math.sinh": np.sinh,
    "math.cosh": np.cosh,
}
BINARY = {"arith.addf": np.add, "arith.subf": np.subtract, "arith.mulf": np.multiply}
CMP = {"ogt": np.greater, "olt": np.less, "oge": np.greater_equal, "ole": np.less_equal}

# (source, result, offsets, sizes, strides) of tensor.extract_slice / insert_slice
SLICES = (
    [((2, 3), (3,), [r, 0], [1, 3], [1, 1]) for r in range(2)]
    + [((2, 3), (2,), [0, c], [2, 1], [1, 1]) for c in range(3)]
    + [((2, 3), (2, 2), [0, c], [2, 2], [1, 1]) for c in range(2)]
    + [((2, 3), (2, 2), [0, 0], [2, 2], [1, 2])]
    + [((3, 2), (3,), [0, c], [3, 1], [1, 1]) for c in range(2)]
    + [((3, 2), (2,), [r, 0], [1, 2], [1, 1]) for r in range(3)]
    + [((3, 2), (2, 2), [r, 0], [2, 2], [1, 1]) for r in range(2)]
    + [((3, 2), (2, 2), [0, 0], [2, 2], [2, 1])]
    + [((3,), (2,), [o], [2], [1]) for o in range(2)]
    + [((3,), (2,), [0], [2], [2]), ((3,), (), [1], [1], [1]), ((2, 3), (), [1, 2], [1, 1], [1, 1])]
    + [((3, 3), (2, 3), [r, 0], [2, 3], [1, 1]) for r in range(2)]
    + [
        ((3, 3), (2, 3), [0, 0], [2, 3], [2, 1]),
        ((3, 3), (3, 2), [0, 1], [3, 2], [1, 1]),
        ((3, 3), (3, 2), [0, 0], [3, 2], [1, 2]),
        ((3, 3), (3,), [1, 0], [1, 3], [1, 1]),
        ((3, 3), (3,), [0, 2], [3, 1], [1, 1]),
        ((2, 2), (2,), [1, 0], [1, 2], [1, 1]),
        ((2, 2), (2,), [0, 0], [2, 1], [1, 1]),
    ]
)
BROADCASTS = [
    ((3,), (2, 3), [0]),
    ((3,), (3, 2), [1]),
    ((2,), (2, 3), [1]),
    ((2,), (3, 2), [0]),
    ((2,), (2, 2), [0]),
    ((2,), (2, 2), [1]),
    ((3,), (3, 3), [0]),
    ((3,), (3, 3), [1]),
    ((), (3,), [0]),
    ((), (2,), [0]),
    ((), (2, 3), [0, 1]),
    ((), (3, 2), [0, 1]),
]
PADS = [
    ((2,), (3,), [1], [0]),
    ((2,), (3,), [0], [1]),
    ((2, 3), (3, 3), [1, 0], [0, 0]),
    ((2, 3), (3, 3), [0, 0], [1, 0]),
    ((3, 2), (3, 3), [0, 1], [0, 0]),
    ((3, 2), (3, 3), [0, 0], [0, 1]),
    ((2, 2), (2, 3), [0, 1], [0, 0]),
    ((2, 2), (3, 2), [0, 0], [1, 0]),
]


@dataclass
class Value:
    name: str
    type: object
    kind: str = "op"  # "op", "arg" or "const"
    lin: bool = False  # depends on a {lintra.linear} argument (random_linear_case)


class Fn:
    """The body of a function (or of a linalg region) under construction.

    `env` maps value names to their numpy values; `steps` replays the body
    on other inputs (`replay`), which is how calls and regions are evaluated.
    In a region (`region=True`) every value is an f64 scalar, evaluated over
    the whole iteration space at once.
    """

    def __init__(self, program: "Program", indent: str, region: bool = False):
        self.p = program
        self.rng = program.rng
        self.indent = indent
        self.region = region
        self.lines: list[str] = []
        self.pool: list[Value] = []
        self.used: set[str] = set()
        self.env: dict[str, np.ndarray] = {}
        self.steps: list = []
        self.callees: list = []  # helpers this function may call
        self.captured: dict = {}  # values of constants a region reads from outside
        self.zero_pads = False  # tensor.pad only with 0.0 (linear functions)
        self.dynamic_indices: list = []  # (name, value) of index arguments

    # -- bookkeeping ---------------------------------------------------------
    def fresh(self, base="v") -> str:
        return f"{base}{next(self.p.counter)}"

    def line(self, text: str) -> None:
        self.lines.append(self.indent + text)

    def emit(self, rhs: str, types, fn, ins, kind="op", pool=True) -> list[Value]:
        """Emit `%r = rhs` with results of `types`; `fn(*arrays of ins)` computes them."""
        name = self.fresh()
        outs = [name] if len(types) == 1 else [f"{name}#{i}" for i in range(len(types))]
        values = fn(*[self.env[v.name] for v in ins])
        values = [values] if len(types) == 1 else list(values)
        values = [checked(v) for v in values]
        lhs = f"%{name}" if len(types) == 1 else f"%{name}:{len(types)}"
        self.line(f"{lhs} = {rhs}")
        self.steps.append((outs, fn, [v.name for v in ins]))
        self.used.update(v.name for v in ins)
        result = []
        for out, t, value in zip(outs, types, values, strict=False):
            self.env[out] = value
            v = Value(out, t, kind, any(i.lin for i in ins))
            if pool:
                self.pool.append(v)
            result.append(v)
        return result

    def emit1(self, rhs, t, fn, ins, kind="op", pool=True) -> Value:
        return self.emit(rhs, [t], fn, ins, kind, pool)[0]

    def raw(self, rhs: str) -> str:
        """Emit an op without a float value (index constants, tensor.empty, cmpf)."""
        name = self.fresh("n")
        self.line(f"%{name} = {rhs}")
        return f"%{name}"

    def replay(self, env: dict) -> dict:
        env.update(self.captured)
        for outs, fn, ins in self.steps:
            values = fn(*[env[i] for i in ins])
            values = [values] if len(outs) == 1 else list(values)
            for out, value in zip(outs, values, strict=False):
                env[out] = checked(value)
        return env

    def attempt(self, build) -> bool:
        state = (len(self.lines), len(self.pool), len(self.steps), set(self.used))
        try:
            build()
            return True
        except Reject:
            del self.lines[state[0] :]
            del self.pool[state[1] :]
            del self.steps[state[2] :]
            self.used = state[3]
            return False

    # -- operands ------------------------------------------------------------
    def pool_types(self):
        return sorted({v.type for v in self.pool}, key=POOL_TYPES.index)

    def pick(self, t, const_ok=True) -> Value:
        rng = self.rng
        if const_ok and rng.random() < 0.07:
            return self.const(t)
        candidates = [v for v in self.pool if v.type == t]
        if not candidates:
            return self.convert(t)
        unused = [v for v in candidates if v.name not in self.used and v.kind == "op"]
        if unused and rng.random() < 0.6:
            return rng.choice(unused)
        # bias towards recent values, for depth
        weights = [1.0 + i for i in range(len(candidates))]
        return rng.choices(candidates, weights)[0]

    def pick_overwritten(self, t) -> Value:
        """A live tensor for an `outs` operand the op overwrites without reading."""
        return self.pick(t, const_ok=False)

    def pick_init(self, t) -> Value:
        """A live tensor for an `outs` operand the op reads (accumulates into)."""
        return self.pick(t)

    def const(self, t) -> Value:
        rng = self.rng
        if t == S:
            value = np.asarray(round(rng.uniform(-2, 2), 2))
            return self.emit1(f"arith.constant {fmt(value)} : f64", S, lambda: value, [], "const")
        if rng.random() < 0.5 or t == ():
            value = np.full(t, round(rng.uniform(-2, 2), 2))
            text = fmt(value.flat[0])
        else:
            value = np.round(np.asarray([rng.uniform(-2, 2) for _ in range(int(np.prod(t)))]), 2).reshape(t)
            text = dense(value)
        return self.emit1(f"arith.constant dense<{text}> : {tstr(t)}", t, lambda: value, [], "const")

    def zeros(self, t) -> Value:
        """A zero tensor, as a dense constant or a fill."""
        if self.rng.random() < 0.5:
            value = np.zeros(t)
            return self.emit1(f"arith.constant dense<0.0> : {tstr(t)}", t, lambda: value, [], "const")
        z = self.emit1("arith.constant 0.0 : f64", S, lambda: np.asarray(0.0), [], "const")
        return self.fill(t, z, kind="const")

    def empty(self, t) -> str:
        return self.raw(f"tensor.empty() : {tstr(t)}")

    def index(self, i: int) -> str:
        return f"%c{i}"

    def index_at(self, i: int) -> str:
        """Index `i`: a constant, or an index argument whose value is `i`."""
        matching = [name for name, value in self.dynamic_indices if value == i]
        if matching and self.rng.random() < 0.5:
            return f"%{matching[0]}"
        return self.index(i)

    def convert(self, t) -> Value:
        """A new value of type `t` computed from a random pool value."""
        rng = self.rng
        sources = [v for v in self.pool if v.kind != "const"] or self.pool
        if self.region:
            return rng.choice(sources)
        return self.convert_from(rng.choice(sources), t)

    def convert_from(self, src: Value, t) -> Value:
        rng = self.rng
        if src.type == t:
            return src
        if t == S:
            return self.extract(src) if rng.random() < 0.6 else self.sum_to_scalar(src)
        if src.type == S:
            return self.spread(src, t)
        direct = [
            m
            for m in (
                self.conv_slice,
                self.conv_broadcast,
                self.conv_reduce,
                self.conv_transpose,
                self.conv_pad,
                self.conv_reshape,
            )
            if m(src, t, dry=True)
        ]
        if direct:
            return rng.choice(direct)(src, t)
        if rng.random() < 0.5:
            return self.spread(self.extract(src), t)
        return self.spread(self.sum_to_scalar(src), t)

    # -- elementwise (top level and regions) ------------------------------------
    def elem_type(self):
        if self.region:
            return S
        types = self.pool_types()
        return self.rng.choice(types)

    def op_binary(self):
        t = self.elem_type()
        name = self.rng.choice(list(BINARY))
        a, b = self.pick(t), self.pick(t)
        return self.emit1(f"{name} %{a.name}, %{b.name} : {tstr(t)}", t, BINARY[name], [a, b])

    def one_plus_square(self, x: Value) -> Value:
        """x*x + c with c >= 0.5 (safe for log, sqrt, division, powf)."""
        t = x.type
        sq = self.emit1(f"arith.mulf %{x.name}, %{x.name} : {tstr(t)}", t, np.multiply, [x, x])
        c = round(self.rng.uniform(0.5, 2.0), 2)
        if t == S:
            cv = self.emit1(f"arith.constant {fmt(c)} : f64", S, lambda: np.asarray(c), [], "const")
        else:
            cv = self.emit1(
                f"arith.constant dense<{fmt(c)}> : {tstr(t)}", t, lambda: np.full(t, c), [], "const"
            )
        first, second = (sq, cv) if self.rng.random() < 0.5 else (cv, sq)
        return self.emit1(f"arith.addf %{first.name}, %{second.name} : {tstr(t)}", t, np.add, [first, second])

    def op_divf(self):
        t = self.elem_type()
        a, y = self.pick(t), self.pick(t, const_ok=False)
        if self.rng.random() < 0.7:
            den = self.one_plus_square(y)
        else:
            den = self.emit1(f"math.cosh %{y.name} : {tstr(t)}", t, np.cosh, [y])
        return self.emit1(f"arith.divf %{a.name}, %{den.name} : {tstr(t)}", t, lambda p, q: p / q, [a, den])

    def op_negf(self):
        t = self.elem_type()
        a = self.pick(t)
        return self.emit1(f"arith.negf %{a.name} : {tstr(t)}", t, np.negative, [a])

    def op_minmax(self):
        t = self.elem_type()
        name = self.rng.choice(["arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf"])
        a, b = self.pick(t), self.pick(t)
        function = np.maximum if "max" in name else np.minimum

        def fn(x, y):
            gap(x, y)
            return function(x, y)

        return self.emit1(f"{name} %{a.name}, %{b.name} : {tstr(t)}", t, fn, [a, b])

    def op_select(self):
        rng = self.rng
        t = self.elem_type()
        scalar_cond = t == S or rng.random() < 0.3
        ct = S if scalar_cond else t
        p, q = self.pick(ct), self.pick(ct)
        predicate = rng.choice(list(CMP))
        cond = self.raw(f"arith.cmpf {predicate}, %{p.name}, %{q.name} : {tstr(ct)}")
        x, y = self.pick(t), self.pick(t)
        types = tstr(t) if scalar_cond else f"{tstr(t)[:-4]}i1>, {tstr(t)}"

        def fn(a, b, u, v):
            gap(a, b)
            return np.where(CMP[predicate](a, b), u, v)

        return self.emit1(f"arith.select {cond}, %{x.name}, %{y.name} : {types}", t, fn, [p, q, x, y])

    def op_unary(self):
        t = self.elem_type()
        name = self.rng.choice(list(UNARY) + ["log", "sqrt"])
        x = self.pick(t)
        if name in ("log", "sqrt"):
            arg = self.one_plus_square(x)
            function = np.log if name == "log" else np.sqrt
            return self.emit1(f"math.{name} %{arg.name} : {tstr(t)}", t, function, [arg])
        return self.emit1(f"{name} %{x.name} : {tstr(t)}", t, UNARY[name], [x])

    def op_math_extra(self):
        """Other math ops with a JVP rule, on safe arguments."""
        rng = self.rng
        t = self.elem_type()
        name = rng.choice(["tan", "log1p", "expm1", "exp2", "log2", "rsqrt", "absf", "atan2", "fpowi"])
        x = self.pick(t)
        ty = tstr(t)
        if name == "tan":  # of tanh(x), inside (-1, 1)
            arg = self.emit1(f"math.tanh %{x.name} : {ty}", t, np.tanh, [x])
            return self.emit1(f"math.tan %{arg.name} : {ty}", t, np.tan, [arg])
        if name == "log1p":  # of x*x
            sq = self.emit1(f"arith.mulf %{x.name}, %{x.name} : {ty}", t, np.multiply, [x, x])
            return self.emit1(f"math.log1p %{sq.name} : {ty}", t, np.log1p, [sq])
        if name in ("log2", "rsqrt"):
            arg = self.one_plus_square(x)
            function = np.log2 if name == "log2" else (lambda a: 1.0 / np.sqrt(a))
            return self.emit1(f"math.{name} %{arg.name} : {ty}", t, function, [arg])
        if name == "absf":

            def absolute(a):
                gap(a, 0.0)
                return np.abs(a)

            return self.emit1(f"math.absf %{x.name} : {ty}", t, absolute, [x])
        if name == "atan2":  # atan2(y, x*x + c): away from the branch cut
            den = self.one_plus_square(self.pick(t, const_ok=False))
            return self.emit1(f"math.atan2 %{x.name}, %{den.name} : {ty}", t, np.arctan2, [x, den])
        if name == "fpowi":
            n = rng.choice([2, 3])
            if t == S:
                power = self.raw(f"arith.constant {n} : i32")
                return self.emit1(
                    f"math.fpowi %{x.name}, {power} : f64, i32", t, lambda a: np.power(a, n), [x]
                )
            power = self.raw(f"arith.constant dense<{n}> : {ty[:-4]}i32>")
            return self.emit1(
                f"math.fpowi %{x.name}, {power} : {ty}, {ty[:-4]}i32>", t, lambda a: np.power(a, n), [x]
            )
        function = np.expm1 if name == "expm1" else np.exp2
        return self.emit1(f"math.{name} %{x.name} : {ty}", t, function, [x])

    def op_powf(self):
        t = self.elem_type()
        x, y = self.pick(t, const_ok=False), self.pick(t)
        if self.rng.random() < 0.7:
            base = self.one_plus_square(x)
        else:
            base = self.emit1(f"math.exp %{x.name} : {tstr(t)}", t, np.exp, [x])
        return self.emit1(f"math.powf %{base.name}, %{y.name} : {tstr(t)}", t, np.power, [base, y])

    # -- tensor ops --------------------------------------------------------------
    def tensor_of(self, types=None) -> Value:
        """A pool tensor, preferring the given types."""
        types = types or TENSOR_TYPES
        present = [t for t in self.pool_types() if t in types]
        t = self.rng.choice(present) if present and self.rng.random() < 0.85 else self.rng.choice(types)
        return self.pick(t, const_ok=False)

    def extract(self, src: Value) -> Value:
        idx = [self.rng.randrange(d) for d in src.type]
        indices = ", ".join(self.index_at(i) for i in idx)
        return self.emit1(
            f"tensor.extract %{src.name}[{indices}] : {tstr(src.type)}", S, lambda x: x[tuple(idx)], [src]
        )

    def op_extract(self):
        return self.extract(self.tensor_of())

    def op_insert(self):
        dest = self.tensor_of()
        s = self.pick(S)
        idx = [self.rng.randrange(d) for d in dest.type]
        indices = ", ".join(self.index_at(i) for i in idx)

        def fn(a, x):
            out = x.copy()
            out[tuple(idx)] = a
            return out

        return self.emit1(
            f"tensor.insert %{s.name} into %{dest.name}[{indices}] : {tstr(dest.type)}",
            dest.type,
            fn,
            [s, dest],
        )

    def from_elements(self, t) -> Value:
        n = int(np.prod(t))
        elements = [self.pick(S) for _ in range(n)]
        names = ", ".join(f"%{e.name}" for e in elements)
        return self.emit1(
            f"tensor.from_elements {names} : {tstr(t)}",
            t,
            lambda *xs: np.asarray(xs, dtype=np.float64).reshape(t),
            elements,
        )

    def splat(self, s: Value, t) -> Value:
        return self.emit1(f"tensor.splat %{s.name} : {tstr(t)}", t, lambda a: np.full(t, a), [s])

    def fill(self, t, s: Value, kind="op") -> Value:
        if self.rng.random() < 0.8:
            init = self.empty(t)
            ins = [s]

            def fn(a):
                return np.full(t, a)
        else:  # fill over a live tensor: it is overwritten
            live = self.pick_overwritten(t)
            init, ins = f"%{live.name}", [s, live]

            def fn(a, _):
                return np.full(t, a)

        return self.emit1(
            f"linalg.fill ins(%{s.name} : f64) outs({init} : {tstr(t)}) -> {tstr(t)}", t, fn, ins, kind
        )

    def spread(self, s: Value, t) -> Value:
        """A tensor of type `t` built from scalar `s`."""
        choice = self.rng.random()
        if choice < 0.35:
            return self.splat(s, t)
        if choice < 0.7:
            return self.fill(t, s)
        if int(np.prod(t)) <= 6:
            return self.from_elements(t)
        return self.splat(s, t)

    def op_build(self):
        t = self.rng.choice(TENSOR_TYPES)
        return (
            self.from_elements(t)
            if self.rng.random() < 0.5 and int(np.prod(t)) <= 6
            else self.spread(self.pick(S), t)
        )

    def slice_text(self, offsets, sizes, strides) -> str:
        return (
            f"[{', '.join(map(str, offsets))}] [{', '.join(map(str, sizes))}] "
            f"[{', '.join(map(str, strides))}]"
        )

    def conv_slice(self, src, t, dry=False):
        options = [s for s in SLICES if s[0] == src.type and s[1] == t]
        if dry:
            return bool(options)
        _, _, offsets, sizes, strides = self.rng.choice(options)
        return self.emit1(
            f"tensor.extract_slice %{src.name}{self.slice_text(offsets, sizes, strides)}"
            f" : {tstr(src.type)} to {tstr(t)}",
            t,
            lambda x: x[slices(offsets, sizes, strides)].reshape(t),
            [src],
        )

    def op_extract_slice(self):
        src = self.tensor_of([s[0] for s in SLICES])
        return self.conv_slice(src, self.rng.choice([s[1] for s in SLICES if s[0] == src.type]))

    def op_insert_slice(self):
        big_type, small_type, offsets, sizes, strides = self.rng.choice(SLICES)
        small, big = self.pick(small_type), self.pick(big_type, const_ok=False)

        def fn(a, x):
            out = x.copy()
            out[slices(offsets, sizes, strides)] = np.asarray(a).reshape(sizes)
            return out

        return self.emit1(
            f"tensor.insert_slice %{small.name} into %{big.name}"
            f"{self.slice_text(offsets, sizes, strides)} : {tstr(small_type)} into "
            f"{tstr(big_type)}",
            big_type,
            fn,
            [small, big],
        )

    def expand(self, x: Value, groups: str, shape) -> Value:
        shape = tuple(shape)
        return self.emit1(
            f"tensor.expand_shape %{x.name} {groups} output_shape "
            f"[{', '.join(map(str, shape))}] : {tstr(x.type)} into {tstr(shape)}",
            shape,
            lambda a: a.reshape(shape),
            [x],
            pool=False,
        )

    def collapse(self, x: Value, groups: str, shape) -> Value:
        shape = tuple(shape)
        return self.emit1(
            f"tensor.collapse_shape %{x.name} {groups} : {tstr(x.type)} into {tstr(shape)}",
            shape,
            lambda a: a.reshape(shape),
            [x],
            pool=False,
        )

    def conv_reshape(self, src, t, dry=False):
        ok = src.type in ((2, 3), (3, 2)) and t in ((2, 3), (3, 2)) or (src.type == t == (2, 2))
        if dry:
            return ok
        flat = self.collapse(src, "[[0, 1]]", (int(np.prod(t)),))
        out = self.expand(flat, "[[0, 1]]", t)
        self.pool.append(out)
        return out

    def op_reshape(self):
        src = self.tensor_of([(2, 3), (3, 2), (2, 2)])
        t = src.type if src.type == (2, 2) else self.rng.choice([(2, 3), (3, 2)])
        return self.conv_reshape(src, t)

    def concat(self, dim: int, parts, t) -> Value:
        names = ", ".join(f"%{p.name}" for p in parts)
        types = ", ".join(tstr(p.type) for p in parts)
        return self.emit1(
            f"tensor.concat dim({dim}) {names} : ({types}) -> {tstr(t)}",
            t,
            lambda *xs: np.concatenate(xs, axis=dim),
            parts,
            pool=False,
        )

    def op_concat(self):
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:  # two vectors as rows
            parts = [self.expand(self.pick((3,)), "[[0, 1]]", (1, 3)) for _ in range(2)]
            out = self.concat(0, parts, (2, 3))
        elif kind == 1:  # two vectors as columns
            parts = [self.expand(self.pick((3,)), "[[0, 1]]", (3, 1)) for _ in range(2)]
            out = self.concat(1, parts, (3, 2))
        elif kind == 2:  # 3 ++ 3, reshaped
            flat = self.concat(0, [self.pick((3,)), self.pick((3,))], (6,))
            out = self.expand(flat, "[[0, 1]]", rng.choice([(2, 3), (3, 2)]))
        elif kind == 3:  # a 0-d tensor as a 1-vector, next to a 2-vector
            one = self.expand(self.pick(()), "[]", (1,))
            two = self.pick((2,))
            out = self.concat(0, [one, two] if rng.random() < 0.5 else [two, one], (3,))
        elif kind == 4:  # a matrix and a row
            row = self.expand(self.pick((3,)), "[[0, 1]]", (1, 3))
            out = self.concat(0, [self.pick((2, 3)), row], (3, 3))
        elif kind == 5:  # a square matrix and a column
            col = self.expand(self.pick((2,)), "[[0, 1]]", (2, 1))
            out = self.concat(1, [col, self.pick((2, 2))], (2, 3))
        else:  # three rows
            parts = [self.expand(self.pick((3,)), "[[0, 1]]", (1, 3)) for _ in range(3)]
            out = self.concat(0, parts, (3, 3))
        self.pool.append(out)
        return out

    def conv_pad(self, src, t, dry=False):
        options = [p for p in PADS if p[0] == src.type and p[1] == t]
        if dry:
            return bool(options)
        _, _, low, high = self.rng.choice(options)
        value = 0.0 if self.rng.random() < 0.7 or self.zero_pads else round(self.rng.uniform(-1, 1), 2)
        args = ", ".join(f"%{self.fresh('i')}: index" for _ in low)
        if self.rng.random() < 0.5:
            pad = self.raw(f"arith.constant {fmt(value)} : f64")
            body = [f"  tensor.yield {pad} : f64"]
        else:
            inner = self.fresh("z")
            body = [f"  %{inner} = arith.constant {fmt(value)} : f64", f"  tensor.yield %{inner} : f64"]
        text = "\n".join(
            [
                f"tensor.pad %{src.name} low[{', '.join(map(str, low))}] "
                f"high[{', '.join(map(str, high))}] {{",
                f"{self.indent}^bb0({args}):",
            ]
            + [self.indent + b for b in body]
            + [f"{self.indent}}} : {tstr(src.type)} to {tstr(t)}"]
        )
        return self.emit1(
            text, t, lambda x: np.pad(x, list(zip(low, high, strict=False)), constant_values=value), [src]
        )

    def op_pad(self):
        src = self.tensor_of([p[0] for p in PADS])
        return self.conv_pad(src, self.rng.choice([p[1] for p in PADS if p[0] == src.type]))

    def op_cast(self):
        src = self.tensor_of([t for t in TENSOR_TYPES if t != ()])
        dims = list(src.type)
        dims[self.rng.randrange(len(dims))] = "?"
        dynamic = "tensor<" + "".join(f"{d}x" for d in dims) + "f64>"
        mid = self.raw(f"tensor.cast %{src.name} : {tstr(src.type)} to {dynamic}")
        return self.emit1(f"tensor.cast {mid} : {dynamic} to {tstr(src.type)}", src.type, lambda x: x, [src])

    # -- linalg ------------------------------------------------------------------
    def op_fill(self):
        return self.fill(self.rng.choice(TENSOR_TYPES), self.pick(S))

    def op_copy(self):
        src = self.tensor_of()
        t = src.type
        init = self.empty(t) if self.rng.random() < 0.7 else f"%{self.pick_overwritten(t).name}"
        return self.emit1(
            f"linalg.copy ins(%{src.name} : {tstr(t)}) outs({init} : {tstr(t)}) -> {tstr(t)}",
            t,
            lambda x: x.copy(),
            [src],
        )

    def conv_transpose(self, src, t, dry=False):
        ok = len(src.type) == 2 and tuple(reversed(src.type)) == t
        if dry:
            return ok
        return self.emit1(
            f"linalg.transpose ins(%{src.name} : {tstr(src.type)}) outs({self.empty(t)} : "
            f"{tstr(t)}) permutation = [1, 0]",
            t,
            lambda x: x.T.copy(),
            [src],
        )

    def op_transpose(self):
        src = self.tensor_of([(2, 3), (3, 2), (2, 2), (3, 3)])
        return self.conv_transpose(src, tuple(reversed(src.type)))

    def conv_broadcast(self, src, t, dry=False):
        options = [b for b in BROADCASTS if b[0] == src.type and b[1] == t]
        if dry:
            return bool(options)
        _, _, dims = self.rng.choice(options)
        kept = [d for d in range(len(t)) if d not in dims]
        return self.emit1(
            f"linalg.broadcast ins(%{src.name} : {tstr(src.type)}) outs({self.empty(t)} : "
            f"{tstr(t)}) dimensions = [{', '.join(map(str, dims))}]",
            t,
            lambda x: expand_to(x, kept, t).copy(),
            [src],
        )

    def op_broadcast(self):
        src = self.tensor_of([b[0] for b in BROADCASTS])
        return self.conv_broadcast(src, self.rng.choice([b[1] for b in BROADCASTS if b[0] == src.type]))

    def reduce(self, src: Value, dims, combiner: str) -> Value:
        rng = self.rng
        rank = len(src.type)
        kept = [d for d in range(rank) if d not in dims]
        t = tuple(src.type[d] for d in kept)
        identity = {"arith.addf": 0.0, "arith.mulf": 1.0}.get(combiner)
        if identity is not None and rng.random() < 0.6:
            if identity == 0.0:
                init = self.zeros(t)
            else:
                one = self.emit1("arith.constant 1.0 : f64", S, lambda: np.asarray(1.0), [], "const")
                init = self.fill(t, one, kind="const")
        else:
            init = self.pick(t)
        a, acc = self.fresh("in"), self.fresh("acc")
        r = self.fresh("r")
        operands = f"%{a}, %{acc}" if rng.random() < 0.5 else f"%{acc}, %{a}"
        i = self.indent
        text = (
            f"linalg.reduce ins(%{src.name} : {tstr(src.type)}) outs(%{init.name} : {tstr(t)}) "
            f"dimensions = [{', '.join(map(str, dims))}]\n"
            f"{i}  (%{a}: f64, %{acc}: f64) {{\n"
            f"{i}    %{r} = {combiner} {operands} : f64\n"
            f"{i}    linalg.yield %{r} : f64\n"
            f"{i}  }}"
        )

        def fn(x, start):
            moved = np.moveaxis(x, list(dims), list(range(rank - len(dims), rank)))
            flat = moved.reshape(t + (-1,))
            if combiner == "arith.addf":
                return start + flat.sum(axis=-1)
            if combiner == "arith.mulf":
                return start * flat.prod(axis=-1)
            candidates = np.sort(np.concatenate([flat, np.asarray(start)[..., None]], axis=-1), axis=-1)
            biggest = combiner in ("arith.maximumf", "arith.maxnumf")
            if np.any(candidates[..., -1] - candidates[..., -2] < GAP) and biggest:
                raise Reject()
            if np.any(candidates[..., 1] - candidates[..., 0] < GAP) and not biggest:
                raise Reject()
            return candidates[..., -1] if biggest else candidates[..., 0]

        return self.emit1(text, t, fn, [src, init])

    def conv_reduce(self, src, t, dry=False):
        rank = len(src.type)
        options = [
            dims
            for dims in ([0], [1], [0, 1])
            if max(dims) < rank and tuple(src.type[d] for d in range(rank) if d not in dims) == t
        ]
        if dry:
            return bool(options)
        return self.reduce(src, self.rng.choice(options), "arith.addf")

    def sum_to_scalar(self, src: Value) -> Value:
        if src.type == S:
            return src
        if src.type != ():
            src = self.reduce(src, list(range(len(src.type))), "arith.addf")
        return self.extract(src)

    def op_reduce(self):
        src = self.tensor_of([t for t in TENSOR_TYPES if t != ()])
        rank = len(src.type)
        dims = self.rng.choice([[0], [1], [0, 1]] if rank == 2 else [[0]])
        combiner = self.rng.choices(
            [
                "arith.addf",
                "arith.maximumf",
                "arith.minimumf",
                "arith.mulf",
                "arith.maxnumf",
                "arith.minnumf",
            ],
            [5, 2, 1, 0 if "mul-reduce" in self.p.avoid else 2, 0.5, 0.5],
        )[0]
        return self.reduce(src, dims, combiner)

    def build_region(self, arg_names, env, count: int, sizes=None):
        """A region body over block arguments `arg_names` (already in `env`).

        It may also read an f64 constant defined outside (a captured value),
        and, in a linalg.generic (iteration space `sizes`), a loop index.
        """
        rng = self.rng
        body = Fn(self.p, self.indent + "  ", region=True)
        for name in arg_names:
            body.pool.append(Value(name, S, "arg"))
        body.env.update(env)
        outer = [v for v in self.pool if v.kind == "const" and v.type == S]
        if outer and rng.random() < 0.3:
            captured = rng.choice(outer)
            body.captured[captured.name] = self.env[captured.name]
            body.env[captured.name] = self.env[captured.name]
            body.pool.append(Value(captured.name, S, "const"))
        if sizes and rng.random() < 0.3:
            dim = rng.randrange(len(sizes))
            index = body.raw(f"linalg.index {dim} : index")
            wide = body.raw(f"arith.index_cast {index} : index to i64")
            positions = np.indices(sizes)[dim].astype(np.float64)
            body.emit1(f"arith.sitofp {wide} : i64 to f64", S, lambda: positions, [], "const")
        made = 0
        for _ in range(count * 6):
            if made >= count:
                break
            kind = self.rng.choices(REGION_OPS, REGION_WEIGHTS)[0]
            if body.attempt(lambda kind=kind: getattr(body, kind)()):
                made += 1
        return body

    def yielded(self, body: "Fn", exclude=()) -> Value:
        ops = [v for v in body.pool if v.kind == "op" and v.name not in exclude]
        unused = [v for v in ops if v.name not in body.used]
        if unused:
            return unused[-1]
        return ops[-1] if ops else self.rng.choice(body.pool)

    def op_map(self):
        t = self.rng.choice([u for u in self.pool_types() if u != S] or [(3,)])
        n_in = self.rng.randint(1, 2)
        ins = [self.pick(t, const_ok=False) for _ in range(n_in)]
        args = [self.fresh("a") for _ in ins]
        out_arg = self.fresh("o")
        example = {a: self.env[v.name] for a, v in zip(args, ins, strict=False)}
        body = self.build_region(args, example, self.rng.randint(1, 3))
        result = self.yielded(body)
        init = self.empty(t)
        header = ", ".join(f"%{a}: f64" for a in args + [out_arg])
        i = self.indent
        text = "\n".join(
            [
                f"linalg.map ins({', '.join('%' + v.name for v in ins)} : "
                f"{', '.join(tstr(v.type) for v in ins)}) outs({init} : {tstr(t)})",
                f"{i}  ({header}) {{",
            ]
            + body.lines
            + [f"{i}    linalg.yield %{result.name} : f64", f"{i}  }}"]
        )

        def fn(*xs):
            env = dict(zip(args, xs, strict=False))
            body.replay(env)
            return np.broadcast_to(env[result.name], t).copy()

        return self.emit1(text, t, fn, ins)

    def op_generic(self):
        rng = self.rng
        n = rng.choice([1, 2, 2, 3])
        sizes = tuple(rng.choice([2, 3]) for _ in range(n))
        reduction = n == 3 or rng.random() < 0.5
        if reduction:
            out_dims = rng.sample(range(n), rng.randint(0, min(2, n - 1)))
        else:
            out_dims = rng.sample(range(n), n)
        reduced = [d for d in range(n) if d not in out_dims]
        in_maps = [rng.sample(range(n), rng.randint(0, min(2, n))) for _ in range(rng.randint(1, 3))]
        for d in reduced:  # every reduced dim must be read by some input
            if not any(d in m for m in in_maps):
                others = [e for e in range(n) if e != d]
                in_maps.append(rng.sample(others, rng.randint(0, min(1, n - 1))) + [d])
        if rng.random() < 0.3:
            rng.shuffle(in_maps)
        in_types = []
        for m in in_maps:
            t = tuple(sizes[d] for d in m)
            scalar_ok = "scalar-generic-inputs" not in self.p.avoid
            in_types.append(S if t == () and scalar_ok and rng.random() < 0.5 else t)
        out_type = tuple(sizes[d] for d in out_dims)
        n_out = 2 if rng.random() < 0.15 else 1
        reads_out = not reduction and rng.random() < 0.3
        ins = [self.pick(t) for t in in_types]
        if reduction:
            inits = [
                self.zeros(out_type) if rng.random() < 0.6 else self.pick_init(out_type) for _ in range(n_out)
            ]
        elif reads_out:
            inits = [self.pick_init(out_type) for _ in range(n_out)]
        else:
            inits = [None] * n_out
        init_names = [f"%{v.name}" if v is not None else self.empty(out_type) for v in inits]
        args = [self.fresh("a") for _ in ins]
        outs = [self.fresh("o") for _ in range(n_out)]
        example = {
            a: expand_to(self.env[v.name], m, sizes) for a, v, m in zip(args, ins, in_maps, strict=False)
        }
        region_args = list(args)
        if reads_out:
            for o, v in zip(outs, inits, strict=False):
                example[o] = expand_to(self.env[v.name], out_dims, sizes)
            region_args += outs
        body = self.build_region(region_args, example, rng.randint(1, 4), sizes)
        results = [self.yielded(body)]
        if n_out == 2:
            results.append(self.yielded(body, exclude={results[0].name}))
        i = self.indent
        extra = []
        if reduction:
            yielded = []
            for o, r in zip(outs, results, strict=False):
                acc_sum = self.fresh("s")
                pair = f"%{o}, %{r.name}" if rng.random() < 0.5 else f"%{r.name}, %{o}"
                extra.append(f"{i}    %{acc_sum} = arith.addf {pair} : f64")
                yielded.append(acc_sum)
        else:
            yielded = [r.name for r in results]
        maps = ", ".join(amap(n, m) for m in in_maps + [out_dims] * n_out)
        iterators = ", ".join('"reduction"' if d in reduced else '"parallel"' for d in range(n))
        out_types = [out_type] * n_out
        header = ", ".join(f"%{a}: f64" for a in args + outs)
        result_types = ", ".join(tstr(t) for t in out_types)
        if n_out > 1:
            result_types = f"({result_types})"
        text = "\n".join(
            [
                f"linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iterators}]}} "
                f"ins({', '.join('%' + v.name for v in ins)} : {', '.join(tstr(t) for t in in_types)}) "
                f"outs({', '.join(init_names)} : {', '.join(tstr(t) for t in out_types)}) {{",
                f"{i}  ^bb0({header}):",
            ]
            + body.lines
            + extra
            + [
                f"{i}    linalg.yield {', '.join('%' + y for y in yielded)} : {', '.join(['f64'] * n_out)}",
                f"{i}  }} -> {result_types}",
            ]
        )
        live_inits = [v for v in inits if v is not None]

        def fn(*xs):
            xs_in, xs_init = xs[: len(ins)], xs[len(ins) :]
            env = {a: expand_to(x, m, sizes) for a, x, m in zip(args, xs_in, in_maps, strict=False)}
            if reads_out:
                for o, x in zip(outs, xs_init, strict=False):
                    env[o] = expand_to(x, out_dims, sizes)
            body.replay(env)
            values = [np.broadcast_to(env[r.name], sizes) for r in results]
            if reduction:
                kept = sorted(out_dims)
                outputs = []
                for value, init in zip(values, xs_init, strict=False):
                    partial = value.sum(axis=tuple(reduced))
                    if out_dims:
                        partial = np.transpose(partial, [kept.index(d) for d in out_dims])
                    outputs.append(init + partial)
            else:
                outputs = [np.transpose(v, out_dims).copy() for v in values]
            return outputs[0] if n_out == 1 else tuple(outputs)

        return self.emit(text, out_types, fn, ins + live_inits)

    def contraction_init(self, t) -> Value:
        return self.zeros(t) if self.rng.random() < 0.6 else self.pick(t)

    def op_matmul(self):
        rng = self.rng
        m, n, k = (rng.choice([2, 3]) for _ in range(3))
        ta, tb = rng.random() < 0.3, rng.random() < 0.3
        a = self.pick((k, m) if ta else (m, k), const_ok=False)
        b = self.pick((n, k) if tb else (k, n))
        c = self.contraction_init((m, n))
        maps = ""
        if ta or tb or rng.random() < 0.15:
            maps = (
                "indexing_maps = ["
                + ", ".join(
                    [
                        "affine_map<(m, n, k) -> (k, m)>" if ta else "affine_map<(m, n, k) -> (m, k)>",
                        "affine_map<(m, n, k) -> (n, k)>" if tb else "affine_map<(m, n, k) -> (k, n)>",
                        "affine_map<(m, n, k) -> (m, n)>",
                    ]
                )
                + "] "
            )
        return self.emit1(
            f"linalg.matmul {maps}ins(%{a.name}, %{b.name} : {tstr(a.type)}, {tstr(b.type)}) "
            f"outs(%{c.name} : {tstr((m, n))}) -> {tstr((m, n))}",
            (m, n),
            lambda x, y, z: z + (x.T if ta else x) @ (y.T if tb else y),
            [a, b, c],
        )

    def op_matvec(self):
        rng = self.rng
        m, k = rng.choice([2, 3]), rng.choice([2, 3])
        if rng.random() < 0.5:
            a, x, c = self.pick((m, k), const_ok=False), self.pick((k,)), self.contraction_init((m,))
            return self.emit1(
                f"linalg.matvec ins(%{a.name}, %{x.name} : {tstr(a.type)}, {tstr(x.type)}) "
                f"outs(%{c.name} : {tstr((m,))}) -> {tstr((m,))}",
                (m,),
                lambda p, q, r: r + p @ q,
                [a, x, c],
            )
        y, a, c = self.pick((k,), const_ok=False), self.pick((k, m)), self.contraction_init((m,))
        return self.emit1(
            f"linalg.vecmat ins(%{y.name}, %{a.name} : {tstr(y.type)}, {tstr(a.type)}) "
            f"outs(%{c.name} : {tstr((m,))}) -> {tstr((m,))}",
            (m,),
            lambda p, q, r: r + p @ q,
            [y, a, c],
        )

    def op_dot(self):
        k = self.rng.choice([2, 3])
        x, y, c = self.pick((k,), const_ok=False), self.pick((k,)), self.contraction_init(())
        return self.emit1(
            f"linalg.dot ins(%{x.name}, %{y.name} : {tstr((k,))}, {tstr((k,))}) "
            f"outs(%{c.name} : tensor<f64>) -> tensor<f64>",
            (),
            lambda p, q, r: r + p @ q,
            [x, y, c],
        )

    def op_batch_matmul(self):
        rng = self.rng
        if rng.random() < 0.5:  # batch of one matmul
            m, n, k = (rng.choice([2, 3]) for _ in range(3))
            a = self.expand(self.pick((m, k), const_ok=False), "[[0, 1], [2]]", (1, m, k))
            b = self.expand(self.pick((k, n)), "[[0, 1], [2]]", (1, k, n))
            out3, groups, out = (1, m, n), "[[0, 1], [2]]", (m, n)
        else:  # a batch of dot products
            bsz, k = rng.choice([2, 3]), rng.choice([2, 3])
            a = self.expand(self.pick((bsz, k), const_ok=False), "[[0], [1, 2]]", (bsz, 1, k))
            b = self.expand(self.pick((bsz, k)), "[[0], [1, 2]]", (bsz, k, 1))
            out3, groups, out = (bsz, 1, 1), "[[0, 1, 2]]", (bsz,)
        if rng.random() < 0.6:
            value = np.zeros(out3)
            c = self.emit1(
                f"arith.constant dense<0.0> : {tstr(out3)}", out3, lambda: value, [], "const", pool=False
            )
        else:
            c = self.expand(self.pick(out), groups, out3)
        r = self.emit1(
            f"linalg.batch_matmul ins(%{a.name}, %{b.name} : {tstr(a.type)}, {tstr(b.type)}) "
            f"outs(%{c.name} : {tstr(out3)}) -> {tstr(out3)}",
            out3,
            lambda x, y, z: z + np.matmul(x, y),
            [a, b, c],
            pool=False,
        )
        result = self.collapse(r, groups, out)
        self.pool.append(result)
        return result

    def op_call(self):
        helper = self.rng.choice(self.callees)
        args = [self.pick(t) for t in helper.arg_types]
        names = ", ".join(f"%{a.name}" for a in args)
        ins = ", ".join(tstr(t) for t in helper.arg_types)
        outs = ", ".join(tstr(t) for t in helper.result_types)
        if len(helper.result_types) > 1:
            outs = f"({outs})"

        def fn(*xs):
            env = helper.body.replay(dict(zip(helper.arg_names, xs, strict=False)))
            values = [env[r] for r in helper.result_names]
            return values[0] if len(values) == 1 else tuple(values)

        return self.emit(
            f"func.call @{helper.name}({names}) : ({ins}) -> {outs}", helper.result_types, fn, args
        )


# Weights of the tensor data-movement ops, shared by both generators (linear ops).
DATA_MOVEMENT_OPS = {
    "op_extract": 0.8,
    "op_insert": 0.7,
    "op_build": 0.6,
    "op_extract_slice": 0.8,
    "op_insert_slice": 0.8,
    "op_reshape": 0.5,
    "op_concat": 0.7,
    "op_pad": 0.6,
    "op_cast": 0.3,
    "op_fill": 0.3,
    "op_copy": 0.3,
    "op_transpose": 0.6,
    "op_broadcast": 0.8,
}

TOP_OPS = {
    "op_binary": 3,
    "op_divf": 1,
    "op_negf": 0.4,
    "op_minmax": 1,
    "op_select": 1,
    "op_unary": 3,
    "op_powf": 0.6,
    "op_math_extra": 1,
    **DATA_MOVEMENT_OPS,
    "op_reduce": 1.5,
    "op_map": 1,
    "op_matmul": 1,
    "op_matvec": 0.7,
    "op_dot": 0.4,
    "op_batch_matmul": 0.4,
    "op_generic": 2.5,
}
REGION_WEIGHTS_BY_OP = {
    "op_binary": 3,
    "op_divf": 1,
    "op_negf": 0.4,
    "op_minmax": 1,
    "op_select": 1,
    "op_unary": 3,
    "op_powf": 0.6,
    "op_math_extra": 0.7,
}
REGION_OPS = list(REGION_WEIGHTS_BY_OP)
REGION_WEIGHTS = list(REGION_WEIGHTS_BY_OP.values())


@dataclass
class Helper:
    name: str
    body: Fn
    arg_names: list
    arg_types: list
    result_names: list
    result_types: list
    text: str


@dataclass
class Case:
    text: str
    inputs: list  # python floats for f64, float64 arrays for tensors
    expected: list  # @f's results at `inputs` (numpy reference)
    scalar_output: bool  # @f returns a single f64
    arg_types: list
    result_types: list


def random_input(rng: random.Random, t):
    if t == S:
        return float(round(rng.gauss(0.0, 1.0), 6))
    return np.asarray(
        [round(rng.gauss(0.0, 1.0), 6) for _ in range(int(np.prod(t)))], dtype=np.float64
    ).reshape(t)


class Program:
    fn_class = Fn  # the class of function bodies (fuzz_control_flow adds scf steps)

    def __init__(self, seed: int, avoid=frozenset(), steps=(5, 15), extras=frozenset()):
        self.avoid = frozenset(avoid)
        self.extras = frozenset(extras)
        self.steps = steps
        self.rng = random.Random(seed)
        self.counter = itertools.count()
        self.helpers: list[Helper] = []

    def function(self, arg_types, n_steps: int, ops: dict):
        body = self.fn_class(self, "  ")
        body.callees = list(self.helpers)
        if self.helpers:
            ops = dict(ops, op_call=2.0)
        for i in range(4):
            body.line(f"%c{i} = arith.constant {i} : index")
        names = []
        for t in arg_types:
            name = self.fresh_arg()
            names.append(name)
            if t == "index":
                body.dynamic_indices.append((name, self.rng.choice([0, 1])))
                continue
            body.pool.append(Value(name, t, "arg"))
            body.env[name] = np.asarray(random_input(self.rng, t))
        kinds, weights = list(ops), list(ops.values())
        made = 0
        for _ in range(n_steps * 8):
            if made >= n_steps:
                break
            kind = self.rng.choices(kinds, weights)[0]
            if body.attempt(lambda kind=kind: getattr(body, kind)()):
                made += 1
        return body, names

    def fresh_arg(self) -> str:
        return f"x{next(self.counter)}"

    def make_helper(self, name: str):
        rng = self.rng
        arg_types = [rng.choice(ARG_TYPES + [(2,), (2, 2)]) for _ in range(rng.randint(1, 3))]
        ops = {k: v for k, v in TOP_OPS.items() if k not in ("op_generic", "op_batch_matmul")}
        ops["op_generic"] = 1.0
        body, names = self.function(arg_types, rng.randint(2, 6), ops)
        leaves = [v for v in body.pool if v.kind == "op" and v.name not in body.used]
        results = leaves[-2:] if leaves else [body.pool[-1]]
        if rng.random() < 0.15:  # a result that does not depend on the arguments
            results.append(body.const(rng.choice([S, (3,)])))
        if rng.random() < 0.15:  # a result that is an argument
            results.append(body.pool[rng.randrange(len(arg_types))])
        rng.shuffle(results)
        results = results[:3]
        text = self.render(
            name, body, names, arg_types, results, "func.func private" if rng.random() < 0.7 else "func.func"
        )
        self.helpers.append(
            Helper(name, body, names, arg_types, [r.name for r in results], [r.type for r in results], text)
        )

    def render(self, name, body: Fn, arg_names, arg_types, results, keyword="func.func") -> str:
        params = ", ".join(f"%{n}: {tstr(t)}" for n, t in zip(arg_names, arg_types, strict=False))
        rtypes = ", ".join(tstr(r.type) for r in results)
        return (
            "\n".join(
                [f"{keyword} @{name}({params}) -> ({rtypes}) {{"]
                + body.lines
                + [f"  return {', '.join('%' + r.name for r in results)} : {rtypes}", "}"]
            )
            + "\n"
        )

    def build(self) -> Case:
        rng = self.rng
        use_call = rng.random() < 0.4
        if use_call:
            if rng.random() < 0.25:  # @g calls @h
                self.make_helper("h")
            self.make_helper("g")
        arg_types = [rng.choice(ARG_TYPES) for _ in range(rng.randint(1, 4))]
        if "int-args" in self.extras:
            arg_types.insert(rng.randrange(len(arg_types) + 1), "index")
        body, names = self.function(arg_types, rng.randint(*self.steps), TOP_OPS)
        if use_call and not any("func.call" in line for line in body.lines):
            body.attempt(body.op_call)
        leaves = [v for v in body.pool if v.kind == "op" and v.name not in body.used]
        scalar_output = rng.random() < 0.5
        if scalar_output:
            for _ in range(20):
                ok = body.attempt(lambda: self.finish_scalar(body, leaves))
                if ok:
                    break
            else:
                raise Reject()
            results = [body.pool[-1]]
        else:
            results = list(leaves[-3:]) or [body.pool[-1]]
            if rng.random() < 0.1:
                results.append(body.pool[0])  # an argument, returned as is
            if rng.random() < 0.1:
                results.append(results[0])  # a value returned twice
            fixed = []
            for r in results:
                if r.type == ():
                    r = body.extract(r)
                fixed.append(r)
            results = fixed
            scalars = [v for v in body.pool if v.type == S]
            if "int-args" in self.extras and scalars:  # an integer result
                x = rng.choice(scalars)
                results.insert(
                    rng.randrange(len(results) + 1),
                    body.emit1(f"arith.fptosi %{x.name} : f64 to i64", "i64", np.trunc, [x], pool=False),
                )
        text = "".join(h.text for h in self.helpers) + self.render("f", body, names, arg_types, results)
        index_values = dict(body.dynamic_indices)
        inputs = [
            index_values[n] if t == "index" else body.env[n] if t != S else float(body.env[n])
            for n, t in zip(names, arg_types, strict=False)
        ]
        return Case(
            text,
            inputs,
            [body.env[r.name] for r in results],
            scalar_output,
            arg_types,
            [r.type for r in results],
        )

    def finish_scalar(self, body: Fn, leaves):
        """Sum all leaves (weighted by constants) into one f64, the last pool value."""
        total = None
        for leaf in (leaves or [body.pool[-1]])[-6:]:
            s = body.sum_to_scalar(leaf)
            if self.rng.random() < 0.3:
                w = body.const(S)
                s = body.emit1(f"arith.mulf %{s.name}, %{w.name} : f64", S, np.multiply, [s, w])
            if total is None:
                total = s
            else:
                total = body.emit1(f"arith.addf %{total.name}, %{s.name} : f64", S, np.add, [total, s])
        if total.kind != "op" or body.pool[-1] is not total:
            total = body.emit1(f"arith.addf %{total.name}, %{total.name} : f64", S, np.add, [total, total])


# -- linear functions, for lintra.transpose -------------------------------------


class LinearFn(Fn):
    """The body of a function linear in its `{lintra.linear}` arguments.

    Values that depend on a linear argument are marked `lin`. `pick` returns
    linear values (converting with linear data movement when needed), so the
    data-movement ops of `Fn` are reused as they are; `nonlinear(build)` runs a
    builder of `Fn` with `pick` returning non-linear values (coefficients);
    `plan` assigns "lin"/"nl" to the next top-level picks, which is how the
    contractions and linalg.generic of `Fn` get one linear and one coefficient
    operand. The `lop_*` steps combine both kinds linearly.
    """

    def __init__(self, program, indent, region=False):
        super().__init__(program, indent, region)
        self.zero_pads = True
        self.nl_mode = False
        self.plan: list = []
        self.top_picks: list = []
        self.in_pick = False

    def pick(self, t, const_ok=True) -> Value:
        if self.in_pick or not self.plan:
            return self.pick_nl(t, const_ok) if self.nl_mode else self.pick_lin(t)
        mode = self.plan.pop(0)
        value = self.pick_nl(t, const_ok) if mode == "nl" else self.pick_lin(t)
        self.top_picks.append(value)
        return value

    def guarded(self, build):
        """Run `build` with the plan suspended (nested picks do not consume it)."""
        previous, self.in_pick = self.in_pick, True
        try:
            return build()
        finally:
            self.in_pick = previous

    def pick_lin(self, t) -> Value:
        return self.guarded(lambda: self.lin_value(t))

    def lin_value(self, t) -> Value:
        if self.nl_mode:
            return Fn.pick(self, t)
        rng = self.rng
        candidates = [v for v in self.pool if v.lin and v.type == t]
        if candidates and (self.region or rng.random() < 0.9):
            unused = [v for v in candidates if v.name not in self.used]
            if unused and rng.random() < 0.6:
                return rng.choice(unused)
            return rng.choices(candidates, [1.0 + i for i in range(len(candidates))])[0]
        sources = [v for v in self.pool if v.lin]
        if self.region or not sources:
            raise Reject()
        return self.convert_from(rng.choice(sources), t)

    def pick_init(self, t) -> Value:
        # an accumulator must be linear (or zero): a non-zero coefficient there is affine
        return self.pick(t) if self.nl_mode else self.pick_lin(t)

    def nonlinear(self, build):
        """Run `build` on the non-linear values only."""
        previous, saved = self.nl_mode, self.pool
        self.nl_mode = True
        self.pool = [v for v in saved if not v.lin]
        start = len(self.pool)
        try:
            return build()
        finally:
            self.pool = saved + self.pool[start:]
            self.nl_mode = previous

    def pick_nl(self, t, const_ok=True) -> Value:
        return self.guarded(lambda: self.nl_value(t, const_ok))

    def nl_value(self, t, const_ok=True) -> Value:
        if not any(not v.lin for v in self.pool):
            return self.const(t)
        if self.nl_mode:
            return Fn.pick(self, t, const_ok)
        return self.nonlinear(lambda: Fn.pick(self, t, const_ok))

    def with_plan(self, plan, build):
        self.plan, self.top_picks = list(plan), []
        try:
            return build()
        finally:
            self.plan = []

    # -- linear combinations -----------------------------------------------------
    def linear_type(self):
        if self.region:
            return S
        return self.rng.choice(sorted({v.type for v in self.pool if v.lin}, key=POOL_TYPES.index))

    def lop_addsub(self):
        t = self.linear_type()
        name = self.rng.choice(["arith.addf", "arith.subf"])
        a, b = self.pick_lin(t), self.pick_lin(t)
        if a is b:
            name = "arith.addf"  # not a - a = 0
        return self.emit1(f"{name} %{a.name}, %{b.name} : {tstr(t)}", t, BINARY[name], [a, b])

    def lop_scale(self):
        t = self.linear_type()
        x, c = self.pick_lin(t), self.pick_nl(t)
        a, b = (x, c) if self.rng.random() < 0.5 else (c, x)
        return self.emit1(f"arith.mulf %{a.name}, %{b.name} : {tstr(t)}", t, np.multiply, [a, b])

    def lop_div(self):
        t = self.linear_type()
        x = self.pick_lin(t)
        den = self.nonlinear(lambda: self.one_plus_square(self.pick_nl(t, const_ok=False)))
        return self.emit1(f"arith.divf %{x.name}, %{den.name} : {tstr(t)}", t, lambda p, q: p / q, [x, den])

    def lop_select(self):
        rng = self.rng
        t = self.linear_type()
        ct = S if t == S or rng.random() < 0.3 else t
        p, q = self.pick_nl(ct), self.pick_nl(ct)
        predicate = rng.choice(list(CMP))
        cond = self.raw(f"arith.cmpf {predicate}, %{p.name}, %{q.name} : {tstr(ct)}")
        x = self.pick_lin(t)
        y = self.zeros(t) if t != S and rng.random() < 0.2 else self.pick_lin(t)
        if rng.random() < 0.5:
            x, y = y, x
        types = tstr(t) if ct == S else f"{tstr(t)[:-4]}i1>, {tstr(t)}"

        def fn(a, b, u, v):
            gap(a, b)
            return np.where(CMP[predicate](a, b), u, v)

        return self.emit1(f"arith.select {cond}, %{x.name}, %{y.name} : {types}", t, fn, [p, q, x, y])

    def lop_nonlinear(self):
        """A non-linear step (a new coefficient)."""
        ops = REGION_WEIGHTS_BY_OP if self.region else TOP_OPS
        kind = self.rng.choices(list(ops), list(ops.values()))[0]
        if all(v.lin for v in self.pool):
            self.const(S if self.region else self.rng.choice(POOL_TYPES))
        return self.nonlinear(lambda: getattr(self, kind)())

    def lop_reduce(self):
        src = self.tensor_of([t for t in TENSOR_TYPES if t != ()])
        dims = self.rng.choice([[0], [1], [0, 1]] if len(src.type) == 2 else [[0]])
        return self.reduce(src, dims, "arith.addf")

    def lop_contraction(self):
        rng = self.rng
        kind = rng.choice(["op_matmul", "op_matvec", "op_dot", "op_batch_matmul"])
        plan = ["lin", "nl"] if rng.random() < 0.5 else ["nl", "lin"]
        return self.with_plan(plan + ["lin"], getattr(self, kind))

    def lop_structured(self):
        rng = self.rng
        kind = "op_generic" if rng.random() < 0.7 else "op_map"
        plan = [rng.choice(["lin", "nl"]) for _ in range(3)] + ["lin"] * 4
        return self.with_plan(plan, getattr(self, kind))

    # -- regions: linear in the block arguments of linear operands -----------------
    def build_region(self, arg_names, env, count: int, sizes=None):
        if self.nl_mode:
            return super().build_region(arg_names, env, count, sizes)
        flags = [v.lin for v in self.top_picks[: len(arg_names)]]
        body = LinearFn(self.p, self.indent + "  ", region=True)
        for name, lin in zip(arg_names, flags, strict=False):
            body.pool.append(Value(name, S, "arg", lin))
        body.env.update(env)
        made = 0
        for _ in range(count * 6):
            if made >= count:
                break
            kind = self.rng.choices(LINEAR_REGION_OPS, LINEAR_REGION_WEIGHTS)[0]
            if body.attempt(lambda kind=kind: getattr(body, kind)()):
                made += 1
        return body

    def yielded(self, body: "Fn", exclude=()) -> Value:
        if self.nl_mode:
            return super().yielded(body, exclude)
        linear = [v for v in body.pool if v.lin and v.name not in exclude]
        if not linear:
            raise Reject()
        unused = [v for v in linear if v.name not in body.used and v.kind == "op"]
        return unused[-1] if unused else linear[-1]


LINEAR_OPS = {
    "lop_addsub": 3,
    "lop_scale": 3,
    "lop_div": 1,
    "lop_select": 1,
    "lop_nonlinear": 2,
    "op_negf": 0.4,
    **DATA_MOVEMENT_OPS,
    "lop_reduce": 1.5,
    "lop_contraction": 2,
    "lop_structured": 2.5,
}
LINEAR_REGION_WEIGHTS_BY_OP = {
    "lop_addsub": 3,
    "lop_scale": 3,
    "lop_div": 1,
    "lop_select": 1,
    "lop_nonlinear": 2,
    "op_negf": 0.4,
}
LINEAR_REGION_OPS = list(LINEAR_REGION_WEIGHTS_BY_OP)
LINEAR_REGION_WEIGHTS = list(LINEAR_REGION_WEIGHTS_BY_OP.values())


@dataclass
class LinearCase:
    text: str  # func.func @L(nonlinear args..., linear args {lintra.linear}...)
    nonlinear: list  # inputs of the non-linear arguments
    linear: list  # inputs of the linear arguments
    expected: list  # @L's results at those inputs
    nonlinear_types: list
    linear_types: list
    result_types: list


class LinearProgram(Program):
    def build_linear(self) -> LinearCase:
        rng = self.rng
        nl_types = [rng.choice(ARG_TYPES) for _ in range(rng.randint(0, 3))]
        lin_types = [rng.choice(ARG_TYPES) for _ in range(rng.randint(1, 3))]
        body = LinearFn(self, "  ")
        for i in range(4):
            body.line(f"%c{i} = arith.constant {i} : index")
        names = []
        for t, lin in [(t, False) for t in nl_types] + [(t, True) for t in lin_types]:
            name = self.fresh_arg()
            names.append(name)
            body.pool.append(Value(name, t, "arg", lin))
            body.env[name] = np.asarray(random_input(rng, t))
        kinds, weights = list(LINEAR_OPS), list(LINEAR_OPS.values())
        n_steps, made = rng.randint(5, 15), 0
        for _ in range(n_steps * 8):
            if made >= n_steps:
                break
            kind = rng.choices(kinds, weights)[0]
            if body.attempt(lambda kind=kind: getattr(body, kind)()):
                made += 1
        linear = [v for v in body.pool if v.lin]
        leaves = [v for v in linear if v.kind == "op" and v.name not in body.used]
        results = leaves[-3:] or [linear[-1]]
        if rng.random() < 0.1:  # a zero result
            results.append(body.zeros(rng.choice([(3,), (2, 3)])))
        if rng.random() < 0.1:
            results.append(rng.choice([v for v in body.pool if v.kind == "arg" and v.lin]))
        results = [body.extract(r) if r.type == () else r for r in results]
        params = ", ".join(
            f"%{n}: {tstr(t)}" + (" {lintra.linear}" if i >= len(nl_types) else "")
            for i, (n, t) in enumerate(zip(names, nl_types + lin_types, strict=False))
        )
        rtypes = ", ".join(tstr(r.type) for r in results)
        text = (
            "\n".join(
                [f"func.func @L({params}) -> ({rtypes}) {{"]
                + body.lines
                + [f"  return {', '.join('%' + r.name for r in results)} : {rtypes}", "}"]
            )
            + "\n"
        )
        inputs = [
            body.env[n] if t != S else float(body.env[n])
            for n, t in zip(names, nl_types + lin_types, strict=False)
        ]
        return LinearCase(
            text,
            inputs[: len(nl_types)],
            inputs[len(nl_types) :],
            [body.env[r.name] for r in results],
            nl_types,
            lin_types,
            [r.type for r in results],
        )


def parse_error(text: str) -> str | None:
    from mlir import ir

    from lintra.dialect import make_context

    with make_context():
        try:
            module = ir.Module.parse(text)
        except Exception as error:  # noqa: BLE001 - reported as a generator bug
            return str(error)
        if not module.operation.verify():
            return "does not verify"
    return None


def random_case(
    seed: int, attempts: int = 50, avoid=frozenset(), steps=(5, 15), extras=frozenset(), program=None
) -> Case:
    """The program of `seed`, with inputs and the expected results (deterministic).

    `avoid` leaves out features, to look for bugs past known ones:
    "scalar-generic-inputs" (f64 operands of linalg.generic), "mul-reduce"
    (linalg.reduce with a mulf body). `steps` bounds the number of steps of @f.
    `extras` adds features: "int-args" (an index argument used as a tensor
    index, and an i64 result). `program` is the generator class (`Program`;
    fuzz_control_flow.ControlFlowProgram adds loops and branches).
    """
    program = program or Program
    for attempt in range(attempts):
        sub_seed = seed * 1000 + attempt
        try:
            case = program(sub_seed, avoid, steps, extras).build()
        except Reject:
            continue
        error = parse_error(case.text)
        if error is None:
            return case
        PARSE_FAILURES.append((sub_seed, error, case.text))
    raise RuntimeError(f"no valid program for seed {seed}")


def random_program(seed: int) -> str:
    """A valid MLIR module with `func.func @f` (and maybe a helper @g), deterministic in `seed`."""
    return random_case(seed).text


def random_linear_case(seed: int, attempts: int = 50) -> LinearCase:
    """A function @L linear in its {lintra.linear} arguments (for lintra.transpose),
    with inputs and expected results; deterministic in `seed`."""
    for attempt in range(attempts):
        sub_seed = seed * 1000 + attempt
        try:
            case = LinearProgram(sub_seed).build_linear()
        except Reject:
            continue
        error = parse_error(case.text)
        if error is None:
            return case
        PARSE_FAILURES.append((sub_seed, error, case.text))
    raise RuntimeError(f"no valid linear program for seed {seed}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        c = random_case(int(arg))
        print(c.text)
        print("// inputs:", [np.asarray(x).tolist() for x in c.inputs])
    for sub_seed, error, _ in PARSE_FAILURES:
        print(f"// generator bug at sub-seed {sub_seed}: {error}", file=sys.stderr)
