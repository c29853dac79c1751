"""Linear regression by gradient descent with `lintra.grad`, checked against least squares.

Run: python examples/linear_regression.py
"""

import numpy as np

import lintra
import lintra.numpy as lnp


def loss(w, b, x, y):
    return lnp.mean((x @ w + b - y) ** 2)


@lintra.jit
def step(w, b, x, y):
    grad_w, grad_b = lintra.grad(loss, argnums=(0, 1))(w, b, x, y)
    return w - 0.1 * grad_w, b - 0.1 * grad_b, loss(w, b, x, y)


def main():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3))
    true_w, true_b = np.array([2.0, -1.0, 0.5]), 0.3
    y = x @ true_w + true_b + 0.01 * rng.normal(size=200)
    w, b = np.zeros(3), 0.0
    for iteration in range(200):
        w, b, value = step(w, b, x, y)
        if iteration % 40 == 0:
            print(f"iteration {iteration:3d}  loss {float(value):.6f}")
    design = np.hstack([x, np.ones((200, 1))])
    exact = np.linalg.lstsq(design, y, rcond=None)[0]
    print("gradient descent:", np.round(w, 4), round(float(b), 4))
    print("least squares:   ", np.round(exact[:3], 4), round(float(exact[3]), 4))


if __name__ == "__main__":
    main()
