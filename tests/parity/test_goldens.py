"""Every golden case of the six reference libraries, run through anchorviz from pytest, plus the checker CLI."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from anchorviz.parity.golden import file_context
from anchorviz.parity.runner import compute_case, run_case

REF = Path(__file__).parents[1] / "data" / "reference"
FILES = sorted(REF.glob("*.json"))


def _cases():
    for f in FILES:
        data = json.loads(f.read_text())
        for i, case in enumerate(data["cases"]):
            yield pytest.param(f, i, id=f"{f.stem}-{i}-{case['function'][:40]}")


@pytest.mark.parametrize(("path", "index"), list(_cases()))
def test_golden_case(path: Path, index: int):
    data = json.loads(path.read_text())
    case = data["cases"][index]
    outcome = run_case(data["library"], case, data.get("common_inputs") or {}, file_context(data),
                              f"{path.name}#{index}")
    if outcome.status == "skip":
        # Only YOLOv5's k-means, which depends on scipy's and NumPy's global random streams, may skip.
        assert case["function"] == "kmean_anchors", outcome.reasons
        pytest.skip(outcome.reasons[0])
    assert outcome.status == "pass", outcome.reasons


def test_reference_files_are_all_here():
    libraries = ("torchvision", "mmdet", "detectron2", "keras_retinanet", "d2l", "yolov5")
    assert {f.name for f in FILES} == ({f"{lib}.json" for lib in libraries}
                                       | {f"loss_{lib}.json" for lib in libraries if lib != "yolov5"}
                                       | {f"assign_{lib}.json" for lib in ("torchvision", "mmdet", "ultralytics", "yolox")})


def test_cli_summary_line_and_exit_code():
    proc = subprocess.run([sys.executable, "-m", "anchorviz.parity", *map(str, FILES)], capture_output=True, text=True,
                          timeout=300)
    last = proc.stdout.strip().splitlines()[-1]
    assert last == "186 passed, 0 failed, 2 skipped", proc.stdout[-2000:]
    assert proc.returncode == 0
    assert proc.stdout.count("SKIP") == 2 and "kmean_anchors" in proc.stdout


def _mutated(tmp_path: Path, name: str, mutate) -> Path:
    data = json.loads((REF / name).read_text())
    mutate(data)
    out = tmp_path / f"mutated_{name}"
    out.write_text(json.dumps(data))
    return out


def test_cli_reports_a_wrong_expected_value(tmp_path: Path):
    # Flip one expected match of torchvision's Matcher: the checker must notice, name it, and exit 1.
    def flip(data):
        case = next(c for c in data["cases"] if c["function"] == "Matcher.__call__")
        case["outputs"]["matches"][0] = 2
    path = _mutated(tmp_path, "torchvision.json", flip)
    proc = subprocess.run([sys.executable, "-m", "anchorviz.parity", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    fail_lines = [line for line in proc.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fail_lines) == 1 and "matches" in fail_lines[0] and "first at [0]" in fail_lines[0]
    assert proc.stdout.strip().splitlines()[-1].endswith("1 failed, 0 skipped")


def test_checker_recomputes_from_other_parameters(tmp_path: Path):
    # Same function and parameter names, other values: the checker must compute, not look up. A Matcher case
    # whose thresholds move from 0.7/0.3 to 0.2/0.1 must now expect every overlapping anchor to be positive.
    data = json.loads((REF / "torchvision.json").read_text())
    case = copy.deepcopy(next(c for c in data["cases"] if c["function"] == "Matcher.__call__"
                              and c["params"]["high_threshold"] == 0.7 and not c["params"]["allow_low_quality_matches"]))
    case["params"].update(high_threshold=0.2, low_threshold=0.1)
    common = data.get("common_inputs") or {}
    ours = compute_case(data["library"], case, common, {})
    # ANCHORS_A vs GT_A: anchors 0,1,2,4,5,7 overlap a GT by >= 0.2 (see CONVENTIONS.md), 3,6,8,9 overlap none.
    assert list(ours["matches"]) == [0, 2, 2, -1, 1, 1, -1, 0, -1, -1]


def test_checker_handles_common_input_references():
    data = json.loads((REF / "mmdet.json").read_text())
    case = copy.deepcopy(next(c for c in data["cases"] if c["function"] == "MaxIoUAssigner.assign"))
    case["inputs"] = {"gt_bboxes": "GT_A", "priors": "ANCHORS_A", "gt_labels": [10, 11, 12]}
    outcome = run_case(data["library"], case, data["common_inputs"], {}, "ref")
    assert outcome.status == "pass", outcome.reasons


def test_unknown_function_fails_loudly():
    outcome = run_case("torchvision", {"function": "NoSuchThing", "outputs": {"x": 1}}, {}, {}, "x")
    assert outcome.status == "fail" and "no anchorviz handler" in outcome.reasons[0]
