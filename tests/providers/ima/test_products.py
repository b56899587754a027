"""Product-list logic against the real captured text_to_video list."""

from __future__ import annotations

from typing import Any

import pytest

from providers.errors import UnexpectedResponseError, UnsupportedParamsError
from providers.ima.products import (
    ProductLeaf,
    form_defaults,
    iter_leaves,
    leaf_eta,
    live_model,
    pick_leaf,
    resolve_params,
    select_rule,
)
from providers.types import CreditUnit, EtaRange, ModelRef, VideoParams
from tests.fakes.ima_products import build_tree, load_t2v_leaves
from tests.providers.ima.support import raw_leaf, t2v_leaf, t2v_leaves


def resolve(leaf_id: str, **params: Any) -> tuple[dict[str, Any], int, int]:
    inner, rule = resolve_params(t2v_leaf(leaf_id), VideoParams(**params))
    return inner, rule.attribute_id, rule.points


# --- the tree -------------------------------------------------------------------------------------


def test_walk_finds_every_leaf_at_any_depth_in_order() -> None:
    tree = build_tree(load_t2v_leaves())
    nested = [child for group in tree for child in group["children"] if child["type"] == "2"]
    assert nested, "the fake must nest some leaves under an intermediate node"
    assert [leaf.id for leaf in iter_leaves(tree)] == [leaf["id"] for leaf in load_t2v_leaves()]
    assert {leaf["id"] for node in nested for leaf in node["children"]} <= {leaf.id for leaf in t2v_leaves()}


def test_walk_skips_groups_and_malformed_leaves() -> None:
    broken = {"type": "3", "id": "broken", "model_id": "x", "name": "X", "credit_rules": []}
    tree = [{"type": "2", "id": "G", "children": [broken, "junk", raw_leaf("viduq2")]}]
    assert [leaf.id for leaf in iter_leaves(tree)] == ["viduq2"]


def test_walk_rejects_a_list_that_is_not_a_list() -> None:
    with pytest.raises(UnexpectedResponseError):
        iter_leaves({"children": []})


def test_pick_takes_the_last_match_and_honours_the_version() -> None:
    leaves = t2v_leaves()
    assert pick_leaf(leaves, ModelRef(model_id="pixverse")) == t2v_leaf("Pixverse V3.5")
    assert pick_leaf(leaves, ModelRef(model_id="pixverse", version="Pixverse V5.5")) == t2v_leaf(
        "Pixverse V5.5"
    )
    assert pick_leaf(leaves, ModelRef(model_id="pixverse", version="Pixverse V9")) is None
    assert pick_leaf(leaves, ModelRef(model_id="nope")) is None


def test_pick_last_of_duplicates() -> None:
    newer = {**raw_leaf("viduq2"), "name": "Vidu Q2 (newer)"}
    leaves = iter_leaves([raw_leaf("viduq2"), newer])
    assert pick_leaf(leaves, ModelRef(model_id="viduq2", version="viduq2")) == leaves[1]


def test_live_model_prices_and_eta() -> None:
    wan = live_model(t2v_leaf("wan2.6-t2v"), "ima")
    assert (wan.credits_min, wan.credits_max, wan.unit) == (25, 120, CreditUnit.POINTS)
    assert wan.eta == EtaRange(min_s=300, max_s=420)
    assert wan.ref == ModelRef(model_id="wan2.6-t2v", version="wan2.6-t2v")
    assert leaf_eta(t2v_leaf("ima-pro")) is None  # no EET tag


# --- defaults and virtual fields ------------------------------------------------------------------


def test_form_defaults_resolve_virtual_fields_and_drop_nulls() -> None:
    assert form_defaults(t2v_leaf("kling-video-o1"))["mode"] == "std"  # quality 720p -> std
    assert form_defaults(t2v_leaf("kling-v2-6"))["mode"] == "pro"  # quality 1080p -> pro
    assert form_defaults(t2v_leaf("ima-pro"))["aspect_ratio"] == "1:1"  # the UI default wins
    assert "negative_prompt" not in form_defaults(t2v_leaf("kling-v2-6"))  # value null
    assert form_defaults(t2v_leaf("wan2.6-t2v")) == {
        "duration": 5,
        "aspect_ratio": "16:9",
        "resolution": "1080P",
        "negative_prompt": "",
        "prompt_extend": False,
        "shot_type": "single",
    }


@pytest.mark.parametrize(("leaf_id", "model"), [("Pixverse V5.5", "v5.5"), ("Pixverse V4", "v4")])
def test_a_pixverse_leaf_without_its_model_field_takes_it_from_the_version_name(
    leaf_id: str, model: str
) -> None:
    """IMA's own scripts fill Pixverse's ``model`` from the version when the leaf has no such field."""
    live = t2v_leaf(leaf_id)
    assert form_defaults(live)["model"] == model  # the captured leaves carry it themselves
    bare = live.model_copy(update={"form_config": [f for f in live.form_config if f.field != "model"]})
    assert form_defaults(bare)["model"] == model
    inner, _ = resolve_params(bare, VideoParams(duration=5))
    assert inner["model"] == model
    assert "model" not in form_defaults(t2v_leaf("wan2.6-t2v")), "only Pixverse needs it"


def test_virtual_field_without_a_matching_mapping_falls_back_to_its_value() -> None:
    raw = raw_leaf("kling-video-o1")
    mode = next(field for field in raw["form_config"] if field["field"] == "mode")
    mode["ui_params"][0]["value"] = "4k"  # no mapping rule for it
    assert form_defaults(ProductLeaf.model_validate(raw))["mode"] == "std"


# --- rule selection -------------------------------------------------------------------------------


def test_rule_exact_match_is_case_insensitive_and_reads_booleans() -> None:
    rules = t2v_leaf("veo-3.1-generate-preview").credit_rules
    assert (
        select_rule(rules, {"duration": 8, "generate_audio": True, "resolution": "1080P"}).attribute_id
        == 2004
    )
    assert (
        select_rule(rules, {"duration": "6", "generate_audio": "false", "resolution": "720p"}).attribute_id
        == 1999
    )


def test_rule_falls_back_to_most_matching_then_rule_zero() -> None:
    rules = t2v_leaf("veo-3.1-generate-preview").credit_rules
    assert select_rule(rules, {"duration": 8, "resolution": "4k"}).attribute_id == 2002
    assert select_rule(rules, {"duration": 9, "resolution": "480p"}).attribute_id == 1994
    assert select_rule(rules, {}).attribute_id == 1994


# --- resolution of our params ---------------------------------------------------------------------


def test_wan_defaults_and_uppercase_resolution() -> None:
    inner, attribute_id, points = resolve("wan2.6-t2v")
    assert (attribute_id, points, inner["resolution"], inner["duration"]) == (2058, 40, "1080P", 5)
    inner, attribute_id, points = resolve("wan2.6-t2v", duration=10, resolution="720p")
    assert (attribute_id, points, inner["resolution"], inner["duration"]) == (2059, 50, "720P", 10)
    assert inner["n"] == 1
    assert inner["cast"] == {"points": 50, "attribute_id": 2059}


def test_kling_durations_are_strings_and_resolution_drives_the_virtual_mode() -> None:
    inner, attribute_id, points = resolve("kling-video-o1", duration=10)
    assert (inner["duration"], inner["mode"], attribute_id, points) == ("10", "std", 2315, 96)
    inner, attribute_id, points = resolve("kling-video-o1", resolution="1080p", aspect_ratio="9:16")
    assert (inner["mode"], inner["aspect_ratio"], attribute_id, points) == ("pro", "9:16", 2314, 60)
    inner, attribute_id, _ = resolve("kling-v2-6", duration=10)
    assert (inner["duration"], inner["sound"], attribute_id) == ("10", "off", 2332)


def test_sora_string_durations_and_its_single_resolution() -> None:
    inner, attribute_id, points = resolve("sora-2-pro", duration=8)
    assert (inner["duration"], attribute_id, points) == ("8", 1978, 360)
    with pytest.raises(UnsupportedParamsError):
        resolve("sora-2-pro", resolution="1080p")


def test_veo_boolean_audio_and_a_default_giving_way_to_the_asked_resolution() -> None:
    inner, attribute_id, points = resolve("veo-3.1-generate-preview")
    assert (inner["generate_audio"], inner["duration"], attribute_id, points) == (False, 4, 1995, 70)
    assert inner["generate_audio"] is False
    inner, attribute_id, points = resolve("veo-3.1-generate-preview", resolution="1080p")
    assert (inner["duration"], inner["resolution"], attribute_id, points) == (8, "1080p", 2005, 190)


def test_two_asked_values_that_exclude_each_other_are_unsupported() -> None:
    with pytest.raises(UnsupportedParamsError):
        resolve("veo-3.1-generate-preview", resolution="1080p", duration=4)
    with pytest.raises(UnsupportedParamsError):
        resolve("MiniMax-Hailuo-2.3", resolution="1080p", duration=10)


@pytest.mark.parametrize(
    ("leaf_id", "params"),
    [
        ("wan2.6-t2v", {"duration": 7}),
        ("wan2.6-t2v", {"resolution": "4k"}),
        ("wan2.6-t2v", {"aspect_ratio": "21:9"}),
        ("MiniMax-Hailuo-2.3", {"aspect_ratio": "16:9"}),  # no aspect ratio setting at all
        ("kling-v2-6", {"resolution": "720p"}),  # its virtual quality offers 1080p only
    ],
)
def test_values_not_offered_are_unsupported(leaf_id: str, params: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedParamsError):
        resolve(leaf_id, **params)


def test_seedance_defaults_carry_audio_as_a_boolean() -> None:
    inner, attribute_id, points = resolve("doubao-seedance-1-5-pro-251215")
    assert (inner["generate_audio"], inner["duration"], attribute_id, points) == (True, 4, 2084, 30)
    inner, _, _ = resolve("ima-pro", aspect_ratio="16:9")
    assert inner["aspect_ratio"] == "16:9"


def test_rule_values_overwrite_ours_with_their_types() -> None:
    raw = raw_leaf("kling-video-o1")
    duration = next(field for field in raw["form_config"] if field["field"] == "duration")
    duration["value"], duration["options"] = 5, [{"label": "5", "value": 5}, {"label": "10", "value": 10}]
    inner, rule = resolve_params(ProductLeaf.model_validate(raw), VideoParams(duration=10))
    assert (inner["duration"], rule.attribute_id) == ("10", 2315)


def test_a_value_no_rule_prices_is_unsupported() -> None:
    raw = raw_leaf("wan2.6-t2v")
    raw["credit_rules"] = [rule for rule in raw["credit_rules"] if rule["attributes"]["duration"] != 15]
    with pytest.raises(UnsupportedParamsError):
        resolve_params(ProductLeaf.model_validate(raw), VideoParams(duration=15))


def test_single_rule_models_send_no_default_marker() -> None:
    raw = raw_leaf("viduq2")
    raw["credit_rules"] = [
        {"origin_point": 5, "points": 5, "attribute_id": 77, "attributes": {"default": "enabled"}}
    ]
    inner, rule = resolve_params(ProductLeaf.model_validate(raw), VideoParams(duration=10))
    assert "default" not in inner
    assert (rule.attribute_id, inner["duration"], inner["cast"]) == (
        77,
        10,
        {"points": 5, "attribute_id": 77},
    )
