"""Train a small MLP with SGD on synthetic data, with lintra's JAX-style API.

The whole training step (forward pass, `lintra.grad` of the loss, SGD update)
is one `lintra.jit`-compiled function: it is traced and compiled once, then
every step reuses the compiled code. Run: python examples/mlp.py
"""

import numpy as np

import lintra
import lintra.nn as lnn
import lintra.numpy as lnp


def init_params(rng, sizes):
    return [
        {"w": rng.normal(0.0, 1.0 / np.sqrt(m), (m, n)), "b": np.zeros(n)}
        for m, n in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def predict(params, x):
    for layer in params[:-1]:
        x = lnn.relu(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


def loss(params, x, y):
    return lnp.mean((predict(params, x) - y) ** 2)


@lintra.jit
def train_step(params, x, y, learning_rate):
    value, grads = lintra.value_and_grad(loss)(params, x, y)
    new_params = [
        {k: layer[k] - learning_rate * g[k] for k in layer} for layer, g in zip(params, grads, strict=True)
    ]
    return new_params, value


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2.0, 2.0, (128, 2))
    y = np.sin(x[:, :1]) * np.cos(x[:, 1:]) + 0.05 * rng.normal(size=(128, 1))
    params = init_params(rng, [2, 32, 32, 1])
    for step in range(301):
        params, value = train_step(params, x, y, 0.05)
        if step % 50 == 0:
            print(f"step {step:3d}  loss {float(value):.5f}")
    print(f"compiled {train_step.cache_info().misses} time(s), reused {train_step.cache_info().hits} times")


if __name__ == "__main__":
    main()
