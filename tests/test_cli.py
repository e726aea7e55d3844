"""The command line: --help, stats and tune on a small synthetic COCO file, exports, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from anchorviz.cli.parser import build_parser
from anchorviz.cli.commands import main
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.dataset.export.exporters import FILE_NAMES
from anchorviz.dataset.export.importers import config_from_text

ROOT = Path(__file__).resolve().parents[1]
COCO_TINY = ROOT.parent / "shared" / "data" / "coco-tiny"


def synthetic_coco(path: Path, n_images: int = 12, seed: int = 0) -> Path:
    """A small COCO file: 640x480 images, boxes around a few known shapes, one crowd region."""
    rng = np.random.default_rng(seed)
    shapes = np.array([[20, 30], [60, 40], [50, 120], [200, 150]], float)
    images, anns = [], []
    for i in range(n_images):
        images.append({"id": i + 1, "file_name": f"{i:04d}.jpg", "width": 640, "height": 480})
        for _ in range(6):
            w, h = shapes[rng.integers(len(shapes))] * np.exp(rng.normal(0, 0.1, 2))
            x, y = rng.random() * (640 - w), rng.random() * (480 - h)
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": 1 + len(anns) % 2,
                         "bbox": [round(x, 2), round(y, 2), round(w, 2), round(h, 2)], "iscrowd": 0})
    anns[0]["iscrowd"] = 1
    path.write_text(json.dumps({"images": images, "annotations": anns,
                                "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}))
    return path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", [["--help"], ["stats", "--help"], ["tune", "--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "usage: anchorviz" in out


def test_help_documents_every_option():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        for action in p._actions:
            if action.option_strings and action.dest != "help":
                assert action.help and len(action.help) > 10, (name, action.option_strings)


def test_stats_on_synthetic_coco(tmp_path, capsys):
    ds = synthetic_coco(tmp_path / "inst.json")
    code, out, err = run(["stats", ds, "--img-size", "640", "--quiet", "--json", tmp_path / "s.json"], capsys)
    assert code == 0, err
    for part in ("12 images, 71 boxes kept of 72 records", "1 crowd region left out", "COCO sizes: small",
                 "YOLOv5 BPR (anchor_t 4)", "GTs with 0 positives (grid)", "GTs per level", "worst-fitting GTs"):
        assert part in out, part
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["dataset"]["n_kept"] == 71 and len(doc["recall_vs_iou"]["recall"]) == 101
    assert sum(doc["gts_per_level"]["by_best_shape_iou"]) == 71


def test_tune_yolo_writes_exports_that_round_trip(tmp_path, capsys):
    ds = synthetic_coco(tmp_path / "inst.json")
    out_dir = tmp_path / "out"
    code, out, err = run(["tune", ds, "--format", "coco", "--k", "9", "--img-size", "640", "--objective", "bpr",
                          "--gen", "200", "--export", "yolov5,json", "--out", out_dir, "--max-images", "5"], capsys)
    assert code == 0, err
    assert "tuned YOLOv5 anchors for 'bpr'" in out and "before" in out and "after" in out
    assert "YOLOv5 BPR (anchor_t 4)" in out and "[100.0%]" in err  # progress on stderr
    y = config_from_text((out_dir / FILE_NAMES["yolov5"]).read_text(), "yolov5")
    j = config_from_text((out_dir / FILE_NAMES["json"]).read_text(), "json")
    assert np.array_equal(generate_anchors(y, (640, 640)).boxes, generate_anchors(j, (640, 640)).boxes)


def test_tune_yolo_with_yolov5s_own_procedure(tmp_path, capsys):
    ds = synthetic_coco(tmp_path / "inst.json")
    code, out, err = run(["tune", ds, "--img-size", "640", "--method", "yolov5", "--gen", "50", "--quiet",
                          "--max-images", "0"], capsys)
    assert code == 0, err
    assert "YOLOv5's autoanchor procedure (whitened k-means + 50 generations" in out
    code, _, err = run(["tune", ds, "--method", "yolov5", "--objective", "bpr", "--quiet"], capsys)
    assert code == 2 and "maximises the fitness" in err


def test_tune_generator_with_seed_is_reproducible(tmp_path, capsys):
    ds = synthetic_coco(tmp_path / "inst.json")
    args = ["tune", ds, "--convention", "mmdet", "--objective", "mean_iou", "--max-evals", "60", "--quiet",
            "--max-images", "0", "--export", "mmdet", "--seed", "3"]
    code1, out1, _ = run(args + ["--out", tmp_path / "a"], capsys)
    code2, out2, _ = run(args + ["--out", tmp_path / "b"], capsys)
    assert code1 == code2 == 0
    assert (tmp_path / "a" / "anchors_mmdet.py").read_text() == (tmp_path / "b" / "anchors_mmdet.py").read_text()
    assert "type='AnchorGenerator'" in (tmp_path / "a" / "anchors_mmdet.py").read_text()


@pytest.mark.parametrize(("argv", "match"), [
    (["stats", "{tmp}/missing.json"], "missing.json: no such file or folder"),
    (["stats", "{tmp}/bad.json"], "bad.json: expected valid JSON, parsing failed at line 1"),
    (["stats", "{tmp}/inst.json", "--config", "{tmp}/bad.json"], "anchor setup JSON: expected valid JSON"),
    (["tune", "{tmp}/inst.json", "--export", "mmdet"], "mmdet export: expected a mmdet or mmdet_v1 setup, got yolov5"),
    (["tune", "{tmp}/inst.json", "--k", "8"], "k = 8 anchors cannot be shared evenly by 3 levels"),
    (["tune", "{tmp}/inst.json", "--convention", "d2l"], "d2l setups cannot be tuned"),
    (["stats", "{tmp}/inst.json", "--preset", "SSD300"], "preset 'SSD300' does not exist for yolov5"),
    (["stats", "{tmp}/inst.json", "--img-size", "0"], "letterbox_size: expected a positive integer, got 0"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, match):
    synthetic_coco(tmp_path / "inst.json")
    (tmp_path / "bad.json").write_text("{oops")
    code, out, err = run([a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--quiet"], capsys)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("anchorviz: error: "), err
    assert match in lines[0] and "Traceback" not in err


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["tune", "x.json", "--export", "pdf"])
    assert e.value.code == 2 and "expected a comma-separated list" in capsys.readouterr().err


def test_module_entry_point_and_parity_still_work(tmp_path):
    ds = synthetic_coco(tmp_path / "inst.json", n_images=3)
    r = subprocess.run([sys.executable, "-m", "anchorviz", "stats", str(ds), "--quiet", "--max-images", "0"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "YOLOv5 fitness" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, "-m", "anchorviz", "stats", str(tmp_path / "nope.json")], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.strip().startswith("anchorviz: error:") and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "anchorviz.parity", "tests/data/reference/yolov5.json"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "0 failed" in r.stdout


@pytest.mark.skipif(not (COCO_TINY / "instances_train2017.json").exists(),
                    reason=f"real data not available: {COCO_TINY} is absent (../shared not mounted)")
def test_cli_on_coco_tiny(capsys):
    code, out, err = run(["tune", COCO_TINY / "instances_train2017.json", "--img-size", "640", "--quiet",
                          "--gen", "300", "--max-images", "20"], capsys)
    assert code == 0, err
    assert "80 images, 699 boxes kept of 705 records" in out and "6 crowd regions left out" in out
