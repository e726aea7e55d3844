"""A Dataset-page upload survives a reload (a new session with the same link), or the page says it was dropped
(issue #16 point 7); the server's store of recent uploads stays bounded."""

from __future__ import annotations

import json

from pages.common.dataset_cache import RecentUploads
from tests.test_app_dataset import run_dataset, server_past_its_first_run  # noqa: F401  (fixture)

COCO = json.dumps({"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
                   "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 20, 100, 50]},
                                   {"id": 2, "image_id": 1, "category_id": 1, "bbox": [300, 200, 40, 60]}],
                   "categories": [{"id": 1, "name": "cat"}]}).encode()


def link(at) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def texts(at) -> str:
    return " ".join(el.value for k in ("caption", "info", "warning", "error") for el in getattr(at, k))


def test_a_reload_brings_the_upload_back():
    at = run_dataset()
    at.radio(key="ds_src").set_value("upload").run()
    at.file_uploader(key="ds_upload").set_value(("mine.json", COCO, "application/json")).run()
    assert "mine.json (coco): 1 images, 2 boxes kept" in texts(at)
    url = link(at)
    assert url.get("ds") and url.get("ds_name") == "mine.json"
    again = run_dataset(query=url)
    assert "mine.json (coco): 1 images, 2 boxes kept" in texts(again)
    assert any("Brought back after the reload: mine.json" in i.value for i in again.info)
    assert again.radio(key="ds_src").value == "upload"
    # back to the synthetic dataset: the link no longer names the upload
    again.radio(key="ds_src").set_value("synthetic").run()
    assert "ds" not in link(again)


def test_a_link_to_an_upload_the_server_no_longer_has_says_it_was_dropped():
    at = run_dataset(query={"ds": "not-a-token-here", "ds_name": "gone.json"})
    assert at.radio(key="ds_src").value == "upload"
    assert any("The uploaded dataset gone.json was dropped" in i.value for i in at.info), texts(at)
    assert "ds" not in link(at)


def test_recent_uploads_are_bounded_in_count_and_bytes():
    store = RecentUploads(max_entries=2, max_bytes=10)
    store.put("a", ((), b"1234", None))
    store.put("b", ((), b"5678", b"9"))
    assert store.get("a") is not None  # touched: "b" is now the oldest
    store.put("c", ((), b"x", None))
    assert store.get("b") is None and store.get("a") is not None and store.get("c") is not None
    store.put("d", ((), b"0123456789ab", None))  # over the byte cap alone: kept, everything older leaves
    assert store.get("d") is not None and store.get("a") is None and store.get("c") is None
