"""Dialogue memory: short-lived per-user state that expires after ``FORGET_AFTER``."""

from __future__ import annotations

from datetime import timedelta

from handlers.dialogue import FORGET_AFTER, DialogueMemory, DialogueState
from handlers.intent import Policy
from handlers.timing import utc_now
from providers.types import ImageInput

PHOTO = ImageInput(data=b"\x89PNG fake", content_type="image/png", filename="cat.png")
OTHER = ImageInput(url="https://example.com/dog.jpg")


def age(state: DialogueState, by: timedelta) -> None:
    """Pretend ``by`` has passed since the state was last touched."""
    state.at -= by


def test_a_new_user_starts_empty() -> None:
    state = DialogueMemory().get("cli:alice")
    assert state.choices == () and state.next_policy is None and state.pending_images == ()
    assert utc_now() - state.at < timedelta(seconds=5)


def test_state_is_kept_per_user() -> None:
    memory = DialogueMemory()
    memory.offer("cli:alice", ("wan-2.6", "kling-o1"))
    memory.get("cli:alice").next_policy = Policy.CHEAPEST
    assert memory.get("cli:alice").choices == ("wan-2.6", "kling-o1")
    assert memory.get("cli:alice").next_policy is Policy.CHEAPEST
    assert memory.get("cli:bob").choices == () and memory.get("cli:bob").next_policy is None


def test_state_is_forgotten_after_forget_after() -> None:
    memory = DialogueMemory()
    memory.offer("cli:alice", ("wan-2.6",))
    memory.get("cli:alice").next_policy = Policy.BEST
    age(memory.get("cli:alice"), FORGET_AFTER - timedelta(seconds=5))
    assert memory.get("cli:alice").choices == ("wan-2.6",)  # not yet
    age(memory.get("cli:alice"), timedelta(seconds=10))
    fresh = memory.get("cli:alice")
    assert fresh.choices == () and fresh.next_policy is None
    assert utc_now() - fresh.at < timedelta(seconds=5)


def test_held_images_are_taken_once() -> None:
    memory = DialogueMemory()
    memory.hold_images("cli:alice/chat1", (PHOTO, OTHER))
    assert memory.take_images("cli:alice/chat1") == (PHOTO, OTHER)
    assert memory.take_images("cli:alice/chat1") == ()
    assert memory.take_images("cli:bob/chat1") == ()


def test_a_newer_photo_replaces_the_held_one() -> None:
    memory = DialogueMemory()
    memory.hold_images("cli:alice", (PHOTO,))
    memory.hold_images("cli:alice", (OTHER,))
    assert memory.take_images("cli:alice") == (OTHER,)


def test_holding_a_photo_restarts_the_clock() -> None:
    memory = DialogueMemory()
    memory.offer("cli:alice", ("wan-2.6",))
    age(memory.get("cli:alice"), FORGET_AFTER - timedelta(seconds=5))
    memory.hold_images("cli:alice", (PHOTO,))
    age(memory.get("cli:alice"), timedelta(minutes=30))
    assert memory.take_images("cli:alice") == (PHOTO,)


def test_held_images_expire() -> None:
    memory = DialogueMemory()
    memory.hold_images("cli:alice", (PHOTO,))
    age(memory.get("cli:alice"), FORGET_AFTER + timedelta(seconds=1))
    assert memory.take_images("cli:alice") == ()


def test_clear_forgets_everything_of_one_user() -> None:
    memory = DialogueMemory()
    for user in ("cli:alice", "cli:bob"):
        memory.offer(user, ("vidu-q2",))
        memory.hold_images(user, (PHOTO,))
    memory.clear("cli:alice")
    memory.clear("cli:nobody")  # harmless
    assert memory.get("cli:alice").choices == () and memory.take_images("cli:alice") == ()
    assert memory.get("cli:bob").choices == ("vidu-q2",) and memory.take_images("cli:bob") == (PHOTO,)


def test_offering_choices_restarts_the_clock() -> None:
    memory = DialogueMemory()
    age(memory.get("cli:alice"), FORGET_AFTER - timedelta(minutes=1))  # e.g. an earlier request
    memory.offer("cli:alice", ("wan-2.6", "kling-o1"))  # "换个模型": the list is shown now
    age(memory.get("cli:alice"), timedelta(minutes=2))  # the user answers "2" two minutes later
    assert memory.get("cli:alice").choices == ("wan-2.6", "kling-o1")
