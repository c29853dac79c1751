"""Pytrees: nested tuples, lists, dicts and None holding array leaves (as in JAX).

Contract:
- `tree_flatten(tree) -> (leaves, treedef)`: leaves in order (dict keys sorted,
  like JAX); tuples, lists and dicts are containers, `None` is an empty
  container, anything else is a leaf.
- `tree_unflatten(treedef, leaves)` rebuilds the same structure.
- A `TreeDef` is hashable and comparable, so it can be part of a cache key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TreeDef:
    """The structure of a pytree: `kind` is 'leaf', 'none', 'tuple', 'list' or 'dict'."""
    kind: str
    children: tuple = ()
    keys: tuple = ()

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(child.num_leaves for child in self.children)

    def __str__(self) -> str:
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = [str(child) for child in self.children]
        if self.kind == "dict":
            return "{" + ", ".join(f"{key!r}: {text}" for key, text in zip(self.keys, inner)) + "}"
        if self.kind == "tuple":
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        return "[" + ", ".join(inner) + "]"


LEAF = TreeDef("leaf")


def tree_flatten(tree) -> tuple[list, TreeDef]:
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves: list) -> TreeDef:
    if tree is None:
        return TreeDef("none")
    if isinstance(tree, (tuple, list)):
        kind = "tuple" if isinstance(tree, tuple) else "list"
        return TreeDef(kind, tuple(_flatten(item, leaves) for item in tree))
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return TreeDef("dict", tuple(_flatten(tree[key], leaves) for key in keys), keys)
    leaves.append(tree)
    return LEAF


def tree_unflatten(treedef: TreeDef, leaves) -> object:
    iterator = iter(leaves)
    result = _unflatten(treedef, iterator)
    if next(iterator, _END) is not _END:
        raise ValueError(f"too many leaves for tree structure {treedef}")
    return result


_END = object()


def _unflatten(treedef: TreeDef, leaves):
    if treedef.kind == "leaf":
        leaf = next(leaves, _END)
        if leaf is _END:
            raise ValueError("too few leaves for the tree structure")
        return leaf
    if treedef.kind == "none":
        return None
    children = [_unflatten(child, leaves) for child in treedef.children]
    if treedef.kind == "dict":
        return dict(zip(treedef.keys, children))
    return tuple(children) if treedef.kind == "tuple" else children


def tree_leaves(tree) -> list:
    return tree_flatten(tree)[0]


def tree_map(fun, tree, *rest):
    """`fun` applied leafwise to `tree` and trees of the same structure `rest`."""
    leaves, treedef = tree_flatten(tree)
    others = []
    for other in rest:
        other_leaves, other_def = tree_flatten(other)
        if other_def != treedef:
            raise ValueError(f"tree structures differ: {treedef} and {other_def}")
        others.append(other_leaves)
    return tree_unflatten(treedef, [fun(*items) for items in zip(leaves, *others)])
