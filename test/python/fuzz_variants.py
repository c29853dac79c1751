"""Variants of the fuzzer's random programs (fuzz_programs.random_case).

    text = scalarized_text(case, rng)    # @f := sum_k <w_k, f_vector(x)_k>, for HVPs
    variant = unruled_variant(case, rng)  # @f with an op lintra has no rule for

`scalarized_text` renames the program's @f to @f_vector and adds a new @f that
returns the weighted sum of all its float results (random constant weights),
so that second-order derivatives (Hessian-vector products) of every program,
not only of scalar-valued ones, can be checked: H_s v = sum_k w_k . (d2 f_k) v.

`unruled_variant` feeds a float argument of @f through ops from dialects (or
ops) that have no JVP rule -- complex numbers, vectors, memory, unranked
tensors, bit casts, math/arith ops without a rule -- before @f uses it. lintra
must then report an error at the first such op, never differentiate through
it as if its derivative were zero.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np
from fuzz_programs import S, dense, fmt, tstr


def rename_f(text: str, new_name: str) -> str:
    """`text` with the function @f (definition and uses) renamed to @new_name."""
    return re.sub(r"@f\b", f"@{new_name}", text)


def reduce_to_scalar(lines: list, value: str, type_, weight, tag: str) -> str:
    """Append the lines computing sum(weight * value) as an f64; return its name."""
    if type_ == S:
        lines.append(f"  %w{tag} = arith.constant {fmt(weight)} : f64")
        lines.append(f"  %p{tag} = arith.mulf {value}, %w{tag} : f64")
        return f"%p{tag}"
    t = tstr(type_)
    rank = len(type_)
    lines.append(f"  %w{tag} = arith.constant dense<{dense(weight)}> : {t}")
    lines.append(f"  %m{tag} = arith.mulf {value}, %w{tag} : {t}")
    if rank == 0:
        lines.append(f"  %p{tag} = tensor.extract %m{tag}[] : {t}")
        return f"%p{tag}"
    dims = ", ".join(str(d) for d in range(rank))
    lines += [
        f"  %z{tag} = arith.constant dense<0.0> : tensor<f64>",
        f"  %s{tag} = linalg.reduce ins(%m{tag} : {t}) outs(%z{tag} : tensor<f64>) dimensions = [{dims}]",
        f"    (%a{tag}: f64, %b{tag}: f64) {{",
        f"      %c{tag} = arith.addf %a{tag}, %b{tag} : f64",
        f"      linalg.yield %c{tag} : f64",
        "    }",
        f"  %p{tag} = tensor.extract %s{tag}[] : tensor<f64>",
    ]
    return f"%p{tag}"


def scalarized_text(case, rng: np.random.Generator) -> str:
    """The program with @f replaced by the weighted sum of its float results."""
    arg_types = [tstr(t) for t in case.arg_types]
    result_types = [tstr(t) for t in case.result_types]
    params = ", ".join(f"%x{i}: {t}" for i, t in enumerate(arg_types))
    args = ", ".join(f"%x{i}" for i in range(len(arg_types)))
    n = len(result_types)
    lhs = f"%r:{n}" if n > 1 else "%r"
    lines = [
        f"func.func @f({params}) -> f64 {{",
        f"  {lhs} = call @f_vector({args}) : ({', '.join(arg_types)}) -> ({', '.join(result_types)})",
    ]
    total = None
    for k, type_ in enumerate(case.result_types):
        if type_ not in (S,) and not isinstance(type_, tuple):
            continue  # an integer result
        value = f"%r#{k}" if n > 1 else "%r"
        weight = float(rng.standard_normal()) if type_ == S else rng.standard_normal(type_)
        weight = np.round(weight, 3)
        term = reduce_to_scalar(lines, value, type_, weight, str(k))
        if total is not None:
            lines.append(f"  %t{k} = arith.addf {total}, {term} : f64")
            term = f"%t{k}"
        total = term
    if total is None:
        lines.append("  %none = arith.constant 0.0 : f64")
        total = "%none"
    lines += [f"  return {total} : f64", "}"]
    return rename_f(case.text, "f_vector") + "\n".join(lines) + "\n"


# -- ops without a rule ------------------------------------------------------------


@dataclass
class Unruled:
    text: str  # the program, @f holding the unruled ops
    op_name: str  # the op lintra must report
    line: int  # the line (1-based) of that op in `text`


# name -> (op the error names, lines laundering %a into %lz; for f64 or for tensor T).
SCALAR_LAUNDERING = {
    "complex": (
        "complex.create",
        ["%lz_c = complex.create %a, %a : complex<f64>", "%lz = complex.re %lz_c : complex<f64>"],
    ),
    "vector": (
        "vector.broadcast",
        [
            "%lz_v = vector.broadcast %a : f64 to vector<2xf64>",
            "%lz = vector.extract %lz_v[0] : f64 from vector<2xf64>",
        ],
    ),
    "cbrt": ("math.cbrt", ["%lz = math.cbrt %a : f64"]),
    "remf": ("arith.remf", ["%lz_k = arith.constant 7.5 : f64", "%lz = arith.remf %a, %lz_k : f64"]),
    "cast": (
        "builtin.unrealized_conversion_cast",
        [
            "%lz_i = builtin.unrealized_conversion_cast %a : f64 to i64",
            "%lz = builtin.unrealized_conversion_cast %lz_i : i64 to f64",
        ],
    ),
}
TENSOR_LAUNDERING = {
    "unranked": (
        "tensor.cast",
        ["%lz_u = tensor.cast %a : T to tensor<*xf64>", "%lz = tensor.cast %lz_u : tensor<*xf64> to T"],
    ),
    "memory": (
        "bufferization.to_buffer",
        ["%lz_m = bufferization.to_buffer %a : T to M", "%lz = bufferization.to_tensor %lz_m : M to T"],
    ),
    "bitcast": (
        "tensor.bitcast",
        ["%lz_i = tensor.bitcast %a : T to I", "%lz = tensor.bitcast %lz_i : I to T"],
    ),
    "cbrt": ("math.cbrt", ["%lz = math.cbrt %a : T"]),
    "remf": ("arith.remf", ["%lz_k = arith.constant dense<7.5> : T", "%lz = arith.remf %a, %lz_k : T"]),
}


def unruled_variant(case, rng: random.Random) -> Unruled:
    """@f of `case` with one float argument laundered through ops without a rule."""
    lines = case.text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("func.func @f("))
    floats = [i for i, t in enumerate(case.arg_types) if t == S or isinstance(t, tuple)]
    position = rng.choice(floats)
    names = re.findall(r"%(x\d+): ", lines[header])
    arg, type_ = names[position], case.arg_types[position]
    table = SCALAR_LAUNDERING if type_ == S else TENSOR_LAUNDERING
    kind = rng.choice(sorted(table))
    op_name, laundering = table[kind]
    t = tstr(type_)
    shape = "x".join(str(d) for d in type_) + "x" if type_ != S else ""
    replacements = {"T": t, "M": f"memref<{shape}f64>", "I": f"tensor<{shape}i64>"}
    inserted = []
    for line in laundering:
        line = line.replace("%a", f"%{arg}")
        for key, value in replacements.items():
            line = re.sub(rf"\b{key}\b", value, line)
        inserted.append("  " + line.replace("%lz", f"%lz{arg}"))
    end = next(i for i in range(header + 1, len(lines)) if lines[i] == "}")
    body = [re.sub(rf"%{arg}\b", f"%lz{arg}", line) for line in lines[header + 1 : end]]
    text = "\n".join(lines[: header + 1] + inserted + body + lines[end:]) + "\n"
    first = next(i for i, line in enumerate(inserted) if f" {op_name} " in line)
    return Unruled(text, op_name, header + 2 + first)
