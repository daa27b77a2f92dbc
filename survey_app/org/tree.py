"""Read the organisation tree in one query and shape it for display."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import OrgUnit


@dataclass
class TreeNode:
    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)


def load_tree(db: Session, *, only: frozenset[int] | None = None) -> list[TreeNode]:
    """Roots with their children; with `only`, the subtrees of those units."""
    units = db.scalars(select(OrgUnit).order_by(OrgUnit.code)).all()
    by_parent: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        by_parent[unit.parent_id].append(unit)

    def build(unit: OrgUnit) -> TreeNode:
        return TreeNode(unit, [build(child) for child in by_parent[unit.id]])

    if only is None:
        return [build(root) for root in by_parent[None]]
    # Top-most units of the allowed set, so a manager of a parent and child sees one tree.
    return [build(u) for u in units if u.id in only and u.parent_id not in only]


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """From the root down to the unit's parent."""
    chain = []
    node = unit.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))
