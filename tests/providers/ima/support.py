"""Small builders shared by the IMA tests."""

from __future__ import annotations

from typing import Any

from providers.ima.products import ProductLeaf, iter_leaves
from providers.types import GenerationRequest, ImageInput, ModelRef, Offer, TaskType, VideoParams
from tests.fakes.ima_products import build_tree, load_t2v_leaves

WAN = ModelRef(model_id="wan2.6-t2v", version="wan2.6-t2v")
KLING_O1 = ModelRef(model_id="kling-video-o1", version="kling-video-o1")
PHOTO = ImageInput(url="https://example.com/scene.jpg")


def offer(ref: ModelRef, key: str = "model") -> Offer:
    return Offer(model_key=key, model_name=key.title(), ref=ref)


def request(
    task_type: TaskType = TaskType.TEXT_TO_VIDEO,
    prompt: str = "a puppy dancing in a sunny meadow",
    images: tuple[ImageInput, ...] = (),
    **params: Any,
) -> GenerationRequest:
    return GenerationRequest(task_type=task_type, prompt=prompt, images=images, params=VideoParams(**params))


def t2v_leaves() -> list[ProductLeaf]:
    """The real captured text_to_video leaves, read through the tree as the API serves it."""
    return iter_leaves(build_tree(load_t2v_leaves()))


def t2v_leaf(leaf_id: str) -> ProductLeaf:
    return next(leaf for leaf in t2v_leaves() if leaf.id == leaf_id)


def raw_leaf(leaf_id: str) -> dict[str, Any]:
    """One captured leaf as JSON, to edit."""
    return next(leaf for leaf in load_t2v_leaves() if leaf["id"] == leaf_id)
