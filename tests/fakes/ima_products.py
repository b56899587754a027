"""The fake IMA product lists, as the live API serves them: a tree per category.

``text_to_video`` is the real captured list (``data/ima_product_list_text_to_video.flattened.json``,
16 leaves) re-wrapped into ``type "2"`` group nodes (the capture's ``group_name`` is dropped, as
the live leaves have none). Seedance 2.0 and Pixverse V5.x sit one level deeper, under intermediate
group nodes, so a client must walk the tree recursively. Leaf order is kept (it decides "last match").

The other categories are derived from it following seed 001's model lists: Wan 2.6 becomes
``wan2.6-i2v`` for image_to_video, Vidu Q2 becomes ``viduq2-pro`` for i2v and first/last frame, each
category gets its own attribute ids (t2v id + 10000 / 20000 / 30000), and a field's
``disabled_conditions`` for the category remove those options and the credit rules using them (Veo
3.1 reference: 8 s, 16:9, 1080p only; Kling 2.6 first/last frame: sound off only).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

Json = dict[str, Any]

FIXTURE = Path(__file__).parent / "data" / "ima_product_list_text_to_video.flattened.json"
T2V, I2V, FLF, REF = (
    "text_to_video",
    "image_to_video",
    "first_last_frame_to_video",
    "reference_image_to_video",
)
CATEGORY_NAMES = {T2V: "文生视频", I2V: "图生视频", FLF: "首尾帧生视频", REF: "参考图生视频"}
_PIXVERSE = ("Pixverse V5.5", "Pixverse V5", "Pixverse V4.5", "Pixverse V4", "Pixverse V3.5")
# Leaf id -> the intermediate group node it is nested under.
_NESTED = {
    "ima-pro-fast": "SeeDance 2.0",
    "ima-pro": "SeeDance 2.0",
    "Pixverse V5.5": "Pixverse V5 series",
    "Pixverse V5": "Pixverse V5 series",
}
# Per derived category: attribute id offset and (t2v leaf id, new id or None, new name or None).
_DERIVED: dict[str, tuple[int, tuple[tuple[str, str | None, str | None], ...]]] = {
    I2V: (
        10000,
        (
            ("wan2.6-t2v", "wan2.6-i2v", None),
            ("MiniMax-Hailuo-2.3", None, None),
            ("MiniMax-Hailuo-02", None, None),
            ("viduq2", "viduq2-pro", "Vidu Q2 Pro"),
            ("doubao-seedance-1-5-pro-251215", None, None),
            ("sora-2-pro", None, None),
            ("kling-video-o1", None, None),
            ("kling-v2-6", None, None),
            ("veo-3.1-generate-preview", None, None),
            *((leaf_id, None, None) for leaf_id in _PIXVERSE),
        ),
    ),
    FLF: (
        20000,
        (
            ("MiniMax-Hailuo-02", None, None),
            ("viduq2", "viduq2-pro", "Vidu Q2 Pro"),
            ("kling-video-o1", None, None),
            ("kling-v2-6", None, None),
            ("veo-3.1-generate-preview", None, None),
            *((leaf_id, None, None) for leaf_id in _PIXVERSE),
        ),
    ),
    REF: (
        30000,
        (
            ("viduq2", None, None),
            ("kling-video-o1", None, None),
            ("veo-3.1-generate-preview", None, None),
            *((leaf_id, None, None) for leaf_id in _PIXVERSE),
        ),
    ),
}


def load_t2v_leaves() -> list[Json]:
    """The captured text_to_video leaves, in their order (with the capture's ``group_name``)."""
    leaves: list[Json] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return leaves


def product_trees() -> dict[str, list[Json]]:
    """A fresh tree per category."""
    t2v = load_t2v_leaves()
    by_id = {leaf["id"]: leaf for leaf in t2v}
    trees = {T2V: build_tree(t2v)}
    for category, (offset, picks) in _DERIVED.items():
        leaves = [
            derive_leaf(by_id[source], category, offset, new_id, name) for source, new_id, name in picks
        ]
        trees[category] = build_tree(leaves)
    return trees


def build_tree(leaves: list[Json]) -> list[Json]:
    """Wrap leaves into top-level ``type "2"`` groups (by ``parent_id``), some under an intermediate node."""
    groups: dict[str, Json] = {}
    for original in leaves:
        leaf = copy.deepcopy(original)
        group_name = leaf.pop("group_name", None) or leaf["parent_id"]
        group = groups.setdefault(leaf["parent_id"], _group(leaf["parent_id"], group_name, ""))
        nest = _NESTED.get(leaf["id"])
        if nest is None:
            group["children"].append(leaf)
            continue
        inner = next((node for node in group["children"] if node["id"] == nest), None)
        if inner is None:
            inner = _group(nest, nest, group["id"])
            group["children"].append(inner)
        leaf["parent_id"] = nest
        inner["children"].append(leaf)
    return list(groups.values())


def iter_tree_leaves(nodes: list[Json]) -> list[Json]:
    """Every ``type "3"`` node of a tree, depth first (the fake's own walk)."""
    found: list[Json] = []
    for node in nodes:
        if node.get("type") == "3":
            found.append(node)
        found.extend(iter_tree_leaves(node.get("children") or []))
    return found


def derive_leaf(source: Json, category: str, offset: int, new_id: str | None, name: str | None) -> Json:
    """``source`` as offered in ``category``: renamed, own attribute ids, category-disabled values gone."""
    leaf = copy.deepcopy(source)
    if new_id:
        leaf["id"] = leaf["model_id"] = new_id
    if name:
        leaf["name"] = name
    leaf["category_code"], leaf["category_name"] = category, CATEGORY_NAMES[category]
    for rule in leaf["credit_rules"]:
        rule["attribute_id"] += offset
    for field in leaf["form_config"]:
        banned = [
            c["enum_value"] for c in field.get("disabled_conditions") or [] if c["category"] == category
        ]
        if not banned:
            continue
        field["options"] = [o for o in field.get("options") or [] if o["value"] not in banned]
        if field.get("value") in banned and field["options"]:
            field["value"] = field["options"][0]["value"]
        leaf["credit_rules"] = [
            r for r in leaf["credit_rules"] if r["attributes"].get(field["field"]) not in banned
        ]
    return leaf


def _group(node_id: str, name: str, parent_id: str) -> Json:
    return {"id": node_id, "parent_id": parent_id, "type": "2", "name": name, "model_id": "", "children": []}
