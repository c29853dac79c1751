"""Loop-invariant residuals are saved once, not per iteration (issue 8, item 2),
also when the loop is checkpointed. Found by bench/control_flow.py: with
`lintra.checkpoint` on a scan's step, or `checkpoint_every=k`, the forward half
stacks a loop-invariant weight (and a closure-constant `xs`, whole, per
segment) once per iteration or segment; now a call result that merely
forwards an argument (a checkpointed function's saved inputs) is the caller's
value (`ad_state.bypass_forwarded`), which the loop saves once."""

import numpy as np

import lintra
import lintra.numpy as lnp
from lintra import lax

W = np.eye(4) * 0.5
XS = np.linspace(-1.0, 1.0, 400).reshape(100, 4)


def rnn(wrap=lambda f: f, every=None):
    def loss(w):
        step = wrap(lambda h, x: (lnp.tanh(h @ w + x), None))
        return lnp.sum(lax.scan(step, lnp.ones(4), XS, checkpoint_every=every)[0])

    return loss


def saved_bytes(fun, shape) -> int:
    """Bytes of the residuals of fun's linearization whose trailing dims are `shape`."""
    residuals = lintra.saved_residuals(fun, W, print_report=False)
    return sum(r.nbytes for r in residuals if tuple(r.shape[-len(shape) :]) == shape)


def test_plain_scan_saves_the_weight_once():
    assert saved_bytes(rnn(), W.shape) == W.nbytes


def test_checkpointed_step_saves_the_weight_once():
    assert saved_bytes(rnn(wrap=lintra.checkpoint), W.shape) == W.nbytes


def test_segmented_scan_saves_the_weight_once():
    assert saved_bytes(rnn(every=10), W.shape) == W.nbytes


def test_segmented_scan_saves_constant_xs_at_most_once():
    assert saved_bytes(rnn(every=10), XS.shape) <= XS.nbytes
