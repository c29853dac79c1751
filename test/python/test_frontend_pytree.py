"""Pytrees (lintra.pytree, on optree): JAX's semantics, checked against jax.tree_util,
and through jit and grad."""

import collections

import jax
import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra import tree_util

Pair = collections.namedtuple("Pair", "w b")


class Box:
    """A user container registered as a pytree node: `scale` is static metadata."""

    def __init__(self, value, scale):
        self.value, self.scale = value, scale


tree_util.register_pytree_node(
    Box, lambda box: ((box.value,), box.scale), lambda scale, children: Box(children[0], scale)
)


@pytest.mark.parametrize(
    "tree",
    [
        {"b": 1, "a": (2, None, [3, 4])},
        Pair(1, (2, 3)),
        [None, (), {"x": Pair(5, 6)}],
        collections.OrderedDict([("z", 1), ("a", 2)]),
    ],
    ids=["dict", "namedtuple", "nested", "ordereddict"],
)
def test_flatten_matches_jax(tree):
    leaves, treedef = lintra.tree_flatten(tree)
    assert leaves == jax.tree_util.tree_leaves(tree)
    assert treedef.num_leaves == jax.tree_util.tree_structure(tree).num_leaves
    rebuilt = lintra.tree_unflatten(treedef, leaves)
    assert rebuilt == tree and type(rebuilt) is type(tree)


def test_none_is_an_empty_node():
    leaves, treedef = lintra.tree_flatten((None, 1))
    assert leaves == [1] and lintra.tree_unflatten(treedef, [7]) == (None, 7)


def test_namedtuple_round_trips_through_jit_and_grad():
    step = lintra.jit(lambda p: Pair(p.w * 2.0, p.b + 1.0))
    out = step(Pair(np.ones(2), np.zeros(1)))
    assert type(out) is Pair
    np.testing.assert_array_equal(out.w, [2.0, 2.0])
    np.testing.assert_array_equal(out.b, [1.0])
    grads = lintra.grad(lambda p: lnp.sum(p.w * p.b))(Pair(np.array([1.0, 2.0]), np.array([3.0, 4.0])))
    assert type(grads) is Pair
    np.testing.assert_array_equal(grads.w, [3.0, 4.0])
    np.testing.assert_array_equal(grads.b, [1.0, 2.0])


def test_mixed_key_dict_is_a_clear_error():
    with pytest.raises(ValueError, match="dict keys must be sortable.*1, 'a'"):
        lintra.tree_flatten({1: 0.0, "a": 1.0})
    with pytest.raises(ValueError, match="dict keys must be sortable"):
        lintra.jit(lambda d: d["a"])({1: np.ones(1), "a": np.ones(1)})


def test_custom_node():
    leaves, treedef = lintra.tree_flatten([Box(np.ones(2), 3.0)])
    assert len(leaves) == 1 and leaves[0].shape == (2,)
    rebuilt = lintra.tree_unflatten(treedef, [np.zeros(2)])
    assert isinstance(rebuilt[0], Box) and rebuilt[0].scale == 3.0
    scaled = lintra.jit(lambda box: Box(box.value * box.scale, box.scale))(Box(np.ones(2), 3.0))
    assert isinstance(scaled, Box)
    np.testing.assert_array_equal(scaled.value, [3.0, 3.0])


def test_custom_nodes_live_in_lintras_namespace():
    assert lintra.tree_flatten(Box(1, 2))[0] == [1]
    assert isinstance(jax.tree_util.tree_leaves(Box(1, 2))[0], Box)


def test_wrong_leaf_count():
    _, treedef = lintra.tree_flatten((1, 2))
    with pytest.raises(ValueError, match="too few leaves"):
        lintra.tree_unflatten(treedef, [1])
    with pytest.raises(ValueError, match="too many leaves"):
        lintra.tree_unflatten(treedef, [1, 2, 3])


def test_tree_map_structure_mismatch():
    assert lintra.tree_map(lambda a, b: a + b, {"x": 1}, {"x": 2}) == {"x": 3}
    with pytest.raises(ValueError, match="tree structures differ"):
        lintra.tree_map(lambda a, b: a + b, {"x": 1}, [2])
