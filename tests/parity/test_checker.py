"""The checker never passes silently: doctored goldens (an extra output, a missing nested field, a wrong value in
every comparator branch, a summary it cannot fully check) must fail, naming what differed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from anchorviz.parity.compare import compare, summary_hash
from anchorviz.parity.golden import file_context, function_keys, library_key
from anchorviz.parity.handlers import HANDLER_MODULES, find_handler, registry
from anchorviz.parity.runner import run_case

REF = Path(__file__).parents[1] / "data" / "reference"


def _file(name: str) -> dict:
    return json.loads((REF / name).read_text())


def _case(data: dict, function: str, pick=lambda c: True) -> dict:
    """The first case of ``function`` that ``pick`` accepts (a copy)."""
    return copy.deepcopy(next(c for c in data["cases"] if c["function"] == function and pick(c)))


def _run(data: dict, case: dict):
    return run_case(data["library"], case, data.get("common_inputs") or {}, file_context(data), "doctored")


def _problems(ours, gold) -> list[str]:
    out: list[str] = []
    compare(ours, gold, "x", out)
    return out


# ---- the runner: every listed output must be computed ---------------------------------------------------


def test_an_output_anchorviz_does_not_compute_fails_with_its_name():
    data = _file("torchvision.json")
    case = _case(data, "Matcher.__call__")
    assert _run(data, case).status == "pass"
    case["outputs"]["matches_per_image"] = [0] * 10  # a field no torchvision handler returns
    out = _run(data, case)
    assert out.status == "fail" and out.reasons == ["matches_per_image: not computed by anchorviz"]


def test_a_case_without_outputs_fails():
    data = _file("torchvision.json")
    case = _case(data, "Matcher.__call__")
    case["outputs"] = {}
    out = _run(data, case)
    assert out.status == "fail" and "lists no outputs" in out.reasons[0]


def test_a_function_without_handler_fails_loudly():
    out = run_case("torchvision", {"function": "NoSuchThing", "outputs": {"x": 1}}, {}, {}, "x")
    assert out.status == "fail" and "no anchorviz handler" in out.reasons[0]


def test_a_missing_nested_field_fails_with_its_path():
    data = _file("keras_retinanet.json")
    case = _case(data, "anchors_for_shape", lambda c: "levels" in c["outputs"])
    assert _run(data, case).status == "pass"
    case["outputs"]["levels"][1]["col_mean"] = [0, 0, 0, 0]  # not a summary key: the level is now a mapping
    out = _run(data, case)
    assert out.status == "fail" and any(r.startswith("levels[1]: expected a mapping") for r in out.reasons)
    assert _problems({"a": 1}, {"a": 1, "b": {"c": 2}}) == ["x.b: not computed by anchorviz"]
    assert _problems({"a": 1, "b": {"d": 2}}, {"a": 1, "b": {"c": 2}}) == ["x.b.c: not computed by anchorviz"]
    assert "expected a mapping" in _problems([1, 2], {"a": 1})[0]


# ---- a wrong value in every comparator branch -------------------------------------------------------


@pytest.mark.parametrize(("name", "function", "mutate", "expect"), [
    # integers compare exactly
    ("torchvision.json", "Matcher.__call__", lambda o: o["matches"].__setitem__(0, 2), "matches: 1 of 10 values differ"),
    # floats: rtol 1e-6 with an absolute floor
    ("torchvision.json", "Matcher.__call__",
     lambda o: o["match_quality_matrix"][0].__setitem__(0, o["match_quality_matrix"][0][0] * (1 + 1e-5)),
     "match_quality_matrix: 1 of 30 values differ beyond rtol 1e-06"),
    # decoded boxes: rtol 1e-5
    ("torchvision.json", "BoxCoder.encode_single / decode_single / decode",
     lambda o: o["decoded"][0].__setitem__(0, o["decoded"][0][0] + 1.0), "decoded: 1 of 20 values differ beyond rtol 1e-05"),
    # a shape that differs
    ("torchvision.json", "Matcher.__call__", lambda o: o["matches"].append(0), "matches: shape [10] instead of [11]"),
    # ragged lists, element by element
    ("mmdet.json", "SSDAnchorGenerator.base_anchors",
     lambda o: o["base_anchors"][1][5].__setitem__(2, o["base_anchors"][1][5][2] + 0.5), "base_anchors[1]: 1 of 24"),
    # a list with one entry too many
    ("mmdet.json", "SSDAnchorGenerator.base_anchors", lambda o: o["base_anchors"].append([[0, 0, 1, 1]]),
     "base_anchors: expected 7 entries, got 6"),
    # NaN must match NaN, and a number must not match NaN
    ("torchvision.json", "torchvision.ops.box_iou (NaN)", lambda o: _set_first_nan_to(o["iou"], 0.0), "iou: 1 of"),
    # scalars
    ("yolov5.json", "check_anchors.<locals>.metric", lambda o: o.__setitem__("bpr", o["bpr"] - 0.05), "bpr: 1 of 1 values"),
    ("keras_retinanet.json", "AnchorParameters.default", lambda o: o.__setitem__("num_anchors", 10), "num_anchors: 1 of 1"),
])
def test_every_comparator_branch_catches_a_wrong_value(name, function, mutate, expect):
    data = _file(name)
    nan = function.endswith(" (NaN)")  # the case of that function whose golden holds a NaN
    function = function.removesuffix(" (NaN)")
    case = _case(data, function, (lambda c: "nan" in json.dumps(c["outputs"])) if nan else (lambda c: True))
    assert _run(data, case).status == "pass"
    mutate(case["outputs"])
    out = _run(data, case)
    assert out.status == "fail", out.reasons
    assert any(expect in r for r in out.reasons), out.reasons


def _set_first_nan_to(rows, value):
    for row in rows:
        for j, v in enumerate(row):
            if v == "nan":
                row[j] = value
                return
    raise AssertionError("the case has no NaN")


@pytest.mark.parametrize(("field", "mutate", "expect"), [
    ("shape", lambda s: s.__setitem__("shape", [s["shape"][0] + 1, 4]), "levels[0].shape:"),
    # (+1% here: column sums are large, and the absolute floor of the tolerance grows with the largest value)
    ("col_sum", lambda s: s["col_sum"].__setitem__(0, s["col_sum"][0] * 1.01), "levels[0].col_sum: 1 of 4"),
    ("col_min", lambda s: s["col_min"].__setitem__(1, s["col_min"][1] - 1), "levels[0].col_min: 1 of 4"),
    ("col_max", lambda s: s["col_max"].__setitem__(2, s["col_max"][2] + 1), "levels[0].col_max: 1 of 4"),
    ("first_rows", lambda s: s["first_rows"][0].__setitem__(0, s["first_rows"][0][0] + 1), "levels[0].first_rows"),
    ("last_rows", lambda s: s["last_rows"][-1].__setitem__(3, s["last_rows"][-1][3] + 1), "levels[0].last_rows"),
    ("sample_rows", lambda s: s["sample_rows"][0].__setitem__(1, s["sample_rows"][0][1] + 1), "levels[0].sample_rows"),
    ("sample_indices", lambda s: s["sample_indices"].__setitem__(0, s["sample_indices"][0] + 1), "levels[0].sample_rows"),
    ("sha256", lambda s: s.__setitem__("sha256_float64_rounded6", "0" * 64), "levels[0].sha256_float64_rounded6"),
    # a summary field the checker could not check is a failure, not a pass
    ("sample_indices alone", lambda s: s.pop("sample_rows"), "no sample_rows to compare"),
    ("sample_rows alone", lambda s: s.pop("sample_indices"), "no sample_indices"),
])
def test_every_summary_field_is_checked(field, mutate, expect):
    data = _file("keras_retinanet.json")
    case = _case(data, "anchors_for_shape", lambda c: "levels" in c["outputs"])
    mutate(case["outputs"]["levels"][0])
    out = _run(data, case)
    assert out.status == "fail" and any(expect in r for r in out.reasons), out.reasons


def test_comparator_edge_values():
    assert _problems(None, None) == [] and _problems(0.0, None) == ["x: expected null, got float"]
    assert _problems(float("nan"), None)  # NaN is not null
    assert _problems("float32", "float32") == [] and "expected 'float32'" in _problems("float64", "float32")[0]
    assert _problems(np.zeros((0, 4)), []) == []  # JSON keeps no shape for an empty array
    assert _problems([float("inf"), 1.0], ["inf", 1.0]) == [] and _problems([float("-inf"), 1.0], ["inf", 1.0])
    assert _problems([True, False], [True, False]) == [] and _problems([1, 1], [True, False])
    assert "could not read" in _problems({"a": 1}, [1, 2])[0]
    # a summary of something that is not one (N, 4) array
    gold = {"shape": [2, 4], "col_sum": [0, 0, 0, 0]}
    assert "not one array" in _problems([np.zeros((2, 4)), np.zeros((3, 4))], gold)[0]
    assert "(N, 4)" in _problems(np.zeros(6), gold)[0]
    a = np.arange(8.0).reshape(2, 4)
    assert _problems(a, {"shape": [2, 4], "sha256_float64_rounded6": summary_hash(a)}) == []
    assert _problems(a + 1e-4, {"shape": [2, 4], "sha256_float64_rounded6": summary_hash(a)})
    assert "out of range" in _problems(a, {"sample_indices": [5], "sample_rows": [[0, 0, 0, 0]]})[0]


def test_checker_lookups():
    assert library_key("ultralytics/yolov5 autoanchor") == "yolov5"
    assert library_key("YOLOX (Megvii-BaseDetection/YOLOX)") == "yolox"
    assert library_key("ultralytics") == "ultralytics" and library_key("mmdetection") == "mmdet"
    assert function_keys("compute_overlap (cython, compiled)") == ["compute_overlap (cython, compiled)", "compute_overlap"]
    assert function_keys("a (x) -> b (y)") == ["a (x) -> b (y)", "a (x) -> b", "a"]
    assert find_handler("torchvision", "AnchorGenerator.__init__ (cell_anchors)") is not None
    assert find_handler("keras_retinanet", "compute_overlap (cython, compiled from x.pyx)") is not None
    assert set(HANDLER_MODULES) >= {"torchvision", "mmdet", "detectron2", "keras_retinanet", "d2l",
                                    "yolov5"}
    assert all(lib in ("torchvision", "mmdet", "detectron2", "keras_retinanet", "d2l", "yolov5", "ultralytics", "yolox")
               for lib, _ in registry())


def test_handlers_compute_every_output_of_their_function_not_only_the_ones_asked():
    # A handler may read ctx["keys"] to learn which of a family of outputs a case names (nms_keep_thrT), but
    # must not leave out the others: a golden that names them must get them.
    data = _file("torchvision.json")
    case = _case(data, "AnchorGenerator.forward", lambda c: "num_anchors_per_location" in c["outputs"])
    for extra in ("num_anchors_per_location", "strides_hw", "cell_anchors", "anchors"):
        assert extra in case["outputs"]
    del case["outputs"]["cell_anchors"]
    from anchorviz.parity.runner import compute_case

    ours = compute_case(data["library"], case, data.get("common_inputs") or {}, {})
    assert {"cell_anchors", "anchors", "levels", "total", "strides_hw", "num_anchors_per_location"} <= set(ours)
