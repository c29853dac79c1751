"""Pytrees, on `optree` with JAX's semantics (lintra's registry is optree's namespace "lintra").

Contract:
- Containers are tuples, lists, dicts (leaves in sorted key order, as in JAX),
  namedtuples, OrderedDicts, defaultdicts, deques, and the classes given to
  `register_pytree_node`; `None` is an empty container (no leaf); anything else
  is a leaf. `tree_unflatten` rebuilds the same container types, so a
  namedtuple comes back as that namedtuple.
- A dict whose keys cannot be sorted (mixed types such as `{1: x, "a": y}`) is
  a ValueError naming the keys, as in JAX.
- `tree_flatten(tree) -> (leaves, treedef)`; a treedef (`TreeDef`, optree's
  `PyTreeSpec`) is hashable and comparable, so it can be part of a cache key;
  `tree_unflatten(treedef, leaves)` is a ValueError for a wrong leaf count.
"""

from __future__ import annotations

import optree
from optree import PyTreeKind
from optree import PyTreeSpec as TreeDef

NAMESPACE = "lintra"
_OPTIONS = {"none_is_leaf": False, "namespace": NAMESPACE}

__all__ = [
    "NAMESPACE",
    "PyTreeKind",
    "TreeDef",
    "register_pytree_node",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_structure",
    "tree_tuple",
    "tree_unflatten",
]


def register_pytree_node(nodetype: type, flatten_func, unflatten_func) -> None:
    """Make `nodetype` a container, like `jax.tree_util.register_pytree_node`:
    `flatten_func(node) -> (children, aux_data)` and
    `unflatten_func(aux_data, children) -> node` (aux_data must be hashable)."""
    optree.register_pytree_node(nodetype, flatten_func, unflatten_func, namespace=NAMESPACE)


def tree_flatten(tree) -> tuple[list, TreeDef]:
    leaves, treedef = optree.tree_flatten(tree, **_OPTIONS)
    _check_sorted_keys(treedef)
    return leaves, treedef


def _check_sorted_keys(treedef: TreeDef) -> None:
    """ValueError for a dict whose keys optree could not sort (it keeps their
    insertion order then; JAX refuses such dicts)."""
    if treedef.kind == PyTreeKind.DICT:
        keys = treedef.entries()
        try:
            sorted(keys)
        except TypeError:
            raise ValueError(
                f"pytree dict keys must be sortable (all of one comparable type, as in "
                f"JAX), got keys {keys!r}"
            ) from None
    for child in treedef.children():
        _check_sorted_keys(child)


def tree_unflatten(treedef: TreeDef, leaves) -> object:
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"{'too many' if len(leaves) > treedef.num_leaves else 'too few'} leaves for "
            f"tree structure {treedef}: expected {treedef.num_leaves}, got {len(leaves)}"
        )
    return optree.tree_unflatten(treedef, leaves)


def tree_leaves(tree) -> list:
    return tree_flatten(tree)[0]


def tree_structure(tree) -> TreeDef:
    return tree_flatten(tree)[1]


def tree_tuple(treedefs) -> TreeDef:
    """The treedef of a tuple whose items have the given treedefs."""
    return optree.treespec_tuple(list(treedefs), **_OPTIONS)


def tree_map(fun, tree, *rest):
    """`fun` applied leafwise to `tree` and trees of the same structure `rest`."""
    leaves, treedef = tree_flatten(tree)
    others = []
    for other in rest:
        other_leaves, other_def = tree_flatten(other)
        if other_def != treedef:
            raise ValueError(f"tree structures differ: {treedef} and {other_def}")
        others.append(other_leaves)
    return tree_unflatten(treedef, [fun(*items) for items in zip(leaves, *others, strict=True)])
