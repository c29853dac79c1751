"""Random programs with structured control flow, for fuzzing lintra's derivatives.

    case = random_scf_case(seed)   # like fuzz_programs.random_case, with scf ops in @f

The programs of `fuzz_programs.Program` plus three steps (`ControlFlowFn`):
* `scf.for` with static bounds (2-3 iterations), 1-3 loop-carried values of the
  program's types, a body built by the same random step generator from the
  carried values, values captured from outside and (sometimes) the induction
  variable as an f64;
* `scf.if` on an `arith.cmpf` of two program scalars, both branches random
  bodies yielding 1-2 values;
* `scf.while` carrying an index counter and 1-2 float values, with a
  counter-bounded condition and a `lintra.max_trip_count` attribute;
and, inside those bodies, nested loops and branches (depth at most 2).

As in `fuzz_programs`, every value is evaluated in numpy while the program is
built (a loop's step replays its body for every iteration), and a step whose
values at the inputs are non-finite, larger than `MAG` or within `GAP` of a
kink -- the cmpf of an scf.if included, so the branch taken does not change
under finite differences -- is rejected and another drawn.

Run `python fuzz_control_flow.py SEED` to print a program.
"""

from __future__ import annotations

import re
import sys

import numpy as np
from fuzz_programs import CMP, TOP_OPS, Fn, Program, Reject, S, Value, gap, random_case, tstr

MAX_DEPTH = 2  # scf ops nest at most this deep
SCF_OPS = {"op_for": 2.5, "op_if": 2.0, "op_while": 1.0}
NESTED_SCF_OPS = {"op_for": 0.6, "op_if": 0.6}
# Bodies of scf ops draw from every step, those whose derivatives save an i1
# residual (a comparison: select, max/min, absf, linalg bodies) included: in a
# loop or a branch that residual is yielded as a tensor of i1, which the upstream
# lowering stores as i8 (passes/i1_memrefs.py).
BODY_OPS = dict(TOP_OPS)
LOOP_BOUNDS = [(0, 2, 1), (0, 3, 1), (1, 3, 1), (0, 4, 2), (1, 4, 1)]  # (lower, upper, step)


class ControlFlowFn(Fn):
    """`Fn` with the scf steps; a body of an scf op is a `ControlFlowFn` one level deeper."""

    depth = 0

    def body_ops(self) -> dict:
        ops = dict(BODY_OPS)
        if self.depth < MAX_DEPTH:
            ops.update(NESTED_SCF_OPS)
        return ops

    def sub_body(self, extra=()) -> ControlFlowFn:
        """An empty body that sees this function's values and `extra` (block arguments)."""
        body = ControlFlowFn(self.p, self.indent + "  ")
        body.depth = self.depth + 1
        body.callees = self.callees
        body.dynamic_indices = self.dynamic_indices
        body.pool = list(self.pool) + list(extra)
        body.env = dict(self.env)
        body.used = {v.name for v in self.pool}  # picks prefer the block arguments and new values
        return body

    def grow(self, body: ControlFlowFn, count: int) -> None:
        ops = body.body_ops()
        kinds, weights = list(ops), list(ops.values())
        made = 0
        for _ in range(count * 8):
            if made >= count:
                break
            kind = self.rng.choices(kinds, weights)[0]
            if body.attempt(lambda kind=kind: getattr(body, kind)()):
                made += 1
        if made < count:
            raise Reject()

    def result_of(self, body: ControlFlowFn, t, outer: set) -> Value:
        """A value of type `t` for the body to yield, preferring its own unused ones."""
        own = [v for v in body.pool if v.name not in outer and v.kind == "op"]
        typed = [v for v in own if v.type == t]
        unused = [v for v in typed if v.name not in body.used]
        if unused:
            return unused[-1]
        if own and (not typed or self.rng.random() < 0.6):
            return body.convert_from(self.rng.choice(own[-3:]), t)
        return typed[-1] if typed else body.pick(t)

    def mixed(self, body: ControlFlowFn, y: Value, a: Value) -> Value:
        """`y + sin(a)` (sometimes): a yielded value that depends on its carried value `a`."""
        if self.rng.random() < 0.3:
            return y
        t = tstr(a.type)
        s = body.emit1(f"math.sin %{a.name} : {t}", a.type, np.sin, [a])
        return body.emit1(f"arith.addf %{y.name}, %{s.name} : {t}", a.type, np.add, [y, s])

    def carried_types(self, low: int, high: int) -> list:
        return [self.rng.choice(self.pool_types()) for _ in range(self.rng.randint(low, high))]

    def index_const(self, i: int) -> str:
        return self.index(i) if i < 4 else self.raw(f"arith.constant {i} : index")

    def captured_by(self, bodies, yielded) -> list:
        """The values of this function that `bodies` read (operands of the scf op's step)."""
        text = "\n".join(line for b in bodies for line in b.lines)
        names = set(yielded) | {v.name for v in self.pool if re.search(rf"%{re.escape(v.name)}\b", text)}
        return [v for v in self.pool if v.name in names]

    @staticmethod
    def close(body: ControlFlowFn, ys, types) -> str:
        names = ", ".join(f"%{y.name}" for y in ys)
        rtypes = ", ".join(tstr(t) for t in types)
        return "\n".join(body.lines + [f"{body.indent}scf.yield {names} : {rtypes}"])

    def induction_float(self, body: ControlFlowFn, iv: str, first: int) -> None:
        """Put the induction variable `iv`, as an f64 (no tangent), in the body's pool."""
        wide = body.raw(f"arith.index_cast %{iv} : index to i64")
        name = body.fresh()
        body.line(f"%{name} = arith.sitofp {wide} : i64 to f64")
        body.steps.append(([name], lambda i: np.asarray(i, dtype=np.float64), [f"__{iv}"]))
        body.env[f"__{iv}"] = body.env[name] = np.asarray(float(first))
        body.pool.append(Value(name, S, "const"))

    # -- the scf steps ---------------------------------------------------------------
    def op_for(self):
        rng = self.rng
        types = self.carried_types(1, 3)
        inits = [self.pick(t) for t in types]
        lb, ub, st = rng.choice(LOOP_BOUNDS)
        bounds = [self.index_const(i) for i in (lb, ub, st)]
        iv = self.fresh("i")
        args = [Value(self.fresh("a"), t, "op") for t in types]
        outer = {v.name for v in self.pool}
        body = self.sub_body(args)
        for a, x in zip(args, inits, strict=True):
            body.env[a.name] = self.env[x.name]
        if rng.random() < 0.4:
            self.induction_float(body, iv, lb)
        self.grow(body, rng.randint(1, 4))
        ys = [self.mixed(body, self.result_of(body, t, outer), a) for t, a in zip(types, args, strict=True)]
        captured = self.captured_by([body], [y.name for y in ys])
        names, y_names = [a.name for a in args], [y.name for y in ys]
        cap_names = [v.name for v in captured]
        n = len(types)

        def fn(*xs):
            env, carried = dict(zip(cap_names, xs[n:], strict=True)), list(xs[:n])
            for i in range(lb, ub, st):
                env.update(zip(names, carried, strict=True))
                env[f"__{iv}"] = np.asarray(float(i))
                body.replay(env)
                carried = [env[y] for y in y_names]
            return carried[0] if n == 1 else tuple(carried)

        iter_args = ", ".join(f"%{a.name} = %{x.name}" for a, x in zip(args, inits, strict=True))
        rtypes = ", ".join(tstr(t) for t in types)
        text = (
            f"scf.for %{iv} = {bounds[0]} to {bounds[1]} step {bounds[2]} iter_args({iter_args}) "
            f"-> ({rtypes}) {{\n{self.close(body, ys, types)}\n{self.indent}}}"
        )
        return self.emit(text, types, fn, inits + captured)

    def op_if(self):
        rng = self.rng
        p, q = self.pick(S), self.pick(S, const_ok=False)
        gap(self.env[p.name], self.env[q.name])
        predicate = rng.choice(list(CMP))
        cond = self.raw(f"arith.cmpf {predicate}, %{p.name}, %{q.name} : f64")
        types = self.carried_types(1, 2)
        outer = {v.name for v in self.pool}
        branches = []
        for _ in range(2):
            body = self.sub_body()
            self.grow(body, rng.randint(0, 3))
            branches.append((body, [self.result_of(body, t, outer) for t in types]))
        captured = self.captured_by([b for b, _ in branches], [y.name for _, ys in branches for y in ys])
        cap_names = [v.name for v in captured]

        def fn(a, b, *xs):
            gap(a, b)
            body, ys = branches[0] if CMP[predicate](a, b) else branches[1]
            env = body.replay(dict(zip(cap_names, xs, strict=True)))
            values = [env[y.name] for y in ys]
            return values[0] if len(values) == 1 else tuple(values)

        rtypes = ", ".join(tstr(t) for t in types)
        (then, then_ys), (other, other_ys) = branches
        text = (
            f"scf.if {cond} -> ({rtypes}) {{\n{self.close(then, then_ys, types)}\n{self.indent}}} else {{\n"
            f"{self.close(other, other_ys, types)}\n{self.indent}}}"
        )
        return self.emit(text, types, fn, [p, q] + captured)

    def op_while(self):
        """scf.while (k = 0, carried...) while k < n: body; k + 1 -- with n <= max_trip_count."""
        rng = self.rng
        types = self.carried_types(1, 2)
        inits = [self.pick(t) for t in types]
        trips = rng.randint(1, 3)
        bound = self.index_const(trips)
        k0, k, k2 = self.fresh("k"), self.fresh("k"), self.fresh("k")
        before = [Value(self.fresh("b"), t, "op") for t in types]
        args = [Value(self.fresh("a"), t, "op") for t in types]
        outer = {v.name for v in self.pool}
        body = self.sub_body(args)
        for a, x in zip(args, inits, strict=True):
            body.env[a.name] = self.env[x.name]
        self.grow(body, rng.randint(1, 3))
        ys = [self.mixed(body, self.result_of(body, t, outer), a) for t, a in zip(types, args, strict=True)]
        captured = self.captured_by([body], [y.name for y in ys])
        names, y_names = [a.name for a in args], [y.name for y in ys]
        cap_names = [v.name for v in captured]
        n = len(types)

        def fn(*xs):
            env, carried = dict(zip(cap_names, xs[n:], strict=True)), list(xs[:n])
            for _ in range(trips):
                env.update(zip(names, carried, strict=True))
                body.replay(env)
                carried = [env[y] for y in y_names]
            return carried[0] if n == 1 else tuple(carried)

        ts = [tstr(t) for t in types]
        inner = self.indent + "  "
        cond = self.fresh("n")
        one = self.index(1)
        text = "\n".join(
            [
                f"scf.while (%{k0} = {self.index(0)}, "
                + ", ".join(f"%{b.name} = %{x.name}" for b, x in zip(before, inits, strict=True))
                + f") : (index, {', '.join(ts)}) -> (index, {', '.join(ts)}) {{",
                f"{inner}%{cond} = arith.cmpi slt, %{k0}, {bound} : index",
                f"{inner}scf.condition(%{cond}) %{k0}, "
                + ", ".join(f"%{b.name}" for b in before)
                + f" : index, {', '.join(ts)}",
                f"{self.indent}}} do {{",
                f"{self.indent}^bb0(%{k}: index, "
                + ", ".join(f"%{a.name}: {t}" for a, t in zip(args, ts, strict=True))
                + "):",
                *body.lines,
                f"{inner}%{k2} = arith.addi %{k}, {one} : index",
                f"{inner}scf.yield %{k2}, "
                + ", ".join(f"%{y}" for y in y_names)
                + f" : index, {', '.join(ts)}",
                f"{self.indent}}} attributes {{lintra.max_trip_count = {trips + rng.randint(0, 2)} : i64}}",
            ]
        )

        def with_counter(*xs):
            values = fn(*xs)
            return (np.asarray(float(trips)), values) if n == 1 else (np.asarray(float(trips)), *values)

        results = self.emit(text, ["index"] + types, with_counter, inits + captured, pool=False)[1:]
        self.pool.extend(results)  # the counter stays out of the pool
        return results


class ControlFlowProgram(Program):
    """`Program` whose @f (and helpers) may hold scf.for, scf.if and scf.while steps."""

    fn_class = ControlFlowFn

    def function(self, arg_types, n_steps: int, ops: dict):
        ops = dict(ops, **SCF_OPS)
        body, names = super().function(arg_types, n_steps, ops)
        if not any(line.lstrip().startswith("%") and " scf." in line for line in body.lines):
            for _ in range(10):  # every program gets one
                kind = self.rng.choices(list(SCF_OPS), list(SCF_OPS.values()))[0]
                if body.attempt(getattr(body, kind)):
                    break
        return body, names


def random_scf_case(seed: int, attempts: int = 50):
    """The control-flow program of `seed` (a `fuzz_programs.Case`; deterministic)."""
    return random_case(seed, attempts, program=ControlFlowProgram)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        c = random_scf_case(int(arg))
        print(c.text)
        print("// inputs:", [np.asarray(x).tolist() for x in c.inputs])
