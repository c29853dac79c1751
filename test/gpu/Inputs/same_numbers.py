"""Compare the numbers printed by two runs (e.g. CPU and GPU) of one program.

    same_numbers.py EXPECTED ACTUAL [--rtol R] [--atol A]

Reads every number in each file (printMemref output: addresses `base@ = 0x...`
are skipped), checks the counts match and that each pair agrees within
rtol/atol, prints `same numbers: N` and exits 0; else prints the first
difference and exits 1.
"""

import argparse
import re
import sys

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)")


def numbers(path: str) -> list[float]:
    text = re.sub(r"base@ = 0x[0-9a-f]+", "", open(path).read())
    return [float(token) for token in NUMBER.findall(text)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("expected")
    parser.add_argument("actual")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-4)
    args = parser.parse_args()
    expected, actual = numbers(args.expected), numbers(args.actual)
    if len(expected) != len(actual) or not expected:
        print(f"different counts of numbers: {len(expected)} expected, {len(actual)} printed")
        return 1
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if not abs(want - got) <= args.atol + args.rtol * abs(want):
            print(f"number {index}: expected {want}, got {got}")
            return 1
    print(f"same numbers: {len(expected)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
