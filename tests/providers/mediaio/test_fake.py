"""The fake Media.io is as strict as the reference: raw requests it must refuse."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.mediaio import AUTH_ERROR, PARAMS_ERROR, FakeMediaio
from tests.providers.mediaio.samples import API_KEY, IMAGE_URL

WAN_T2V = "/generation/wan/t2v-wan-v2-6"
WAN_I2V = "/generation/wan/i2v-wan-v2-6"


async def _post(base_url: str, path: str, body: object, key: str | None = API_KEY) -> httpx.Response:
    headers = {"X-API-KEY": key} if key else {}
    async with httpx.AsyncClient(base_url=base_url) as http:
        return await http.post(path, json=body, headers=headers)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (WAN_T2V, {"prompt": "a cat"}),  # not wrapped in "data"
        (WAN_T2V, {"data": {"prompt": "a cat"}, "extra": 1}),
        (WAN_T2V, {"data": {"prompt": "a cat", "duration": 5}}),  # enum sent as a number
        (WAN_T2V, {"data": {"prompt": "a cat", "generate_audio": True}}),  # enum sent as a bool
        (WAN_T2V, {"data": {"prompt": "a cat", "duration": "7s"}}),
        (WAN_T2V, {"data": {"prompt": "a cat", "aspect_ratio": "16:9"}}),  # Wan 2.6 t2v calls it "size"
        (WAN_T2V, {"data": {"prompt": "x" * 1501}}),
        (WAN_T2V, {"data": {}}),
        (WAN_I2V, {"data": {"prompt": "a cat"}}),  # no image
        (WAN_I2V, {"data": {"prompt": "a cat", "image": "http://insecure.example.com/a.png"}}),
        (
            "/generation/minimax/i2v-minimax-v2-3",
            {"data": {"prompt": "a", "image": IMAGE_URL, "resolution": "1080P", "duration": "10s"}},
        ),
        ("/user/credits", {"data": {}}),
        ("/generation/result/video-1", {"data": {"task_id": "video-1"}}),
        ("/generation/result/video-unknown", {}),
    ],
)
async def test_refuses_as_params_error(base_url: str, fake: FakeMediaio, path: str, body: object) -> None:
    answer = await _post(base_url, path, body)
    assert answer.status_code == 200 and answer.json()["code"] == PARAMS_ERROR
    assert answer.json()["data"] == {} and answer.json()["trace_id"]
    assert fake.tasks == {} and fake.credits == 1000


@pytest.mark.parametrize("key", [None, "wrong"])
async def test_refuses_a_bad_key(base_url: str, key: str | None) -> None:
    answer = await _post(base_url, "/user/credits", {}, key=key)
    assert answer.json()["code"] == AUTH_ERROR


async def test_unknown_path_and_method(base_url: str) -> None:
    assert (await _post(base_url, "/generation/sora/t2v-sora-2", {"data": {}})).status_code == 404
    async with httpx.AsyncClient(base_url=base_url) as http:
        assert (await http.get("/user/credits", headers={"X-API-KEY": API_KEY})).status_code == 405


async def test_accepts_a_valid_request_and_records_it(base_url: str, fake: FakeMediaio) -> None:
    body = {"data": {"prompt": "a cat", "size": "1:1", "duration": "15s", "generate_audio": "False"}}
    answer = (await _post(base_url, WAN_T2V, body)).json()
    assert answer["code"] == 0 and answer["data"]["task_id"].startswith("video-")
    assert fake.requests[-1].body == body and fake.requests[-1].api_key == API_KEY
    assert fake.credits == 1000 - fake.cost
