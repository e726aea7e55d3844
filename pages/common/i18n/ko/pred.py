STRINGS = {
    "pred.title": "예측: decode, score 임계값, NMS",
    "pred.intro": (
        "**보이는 것:** head가 출력한 뒤 검출기가 하는 일. 모든 앵커는 delta 네 개와 score 하나를 받습니다. "
        "delta는 박스로 **decode**되고, score가 낮은 박스는 버려지며(**score 임계값**), **NMS**(non-maximum "
        "suppression)는 많이 겹치는 박스들 중 가장 좋은 것만 남깁니다. 얇은 흰 박스는 score 임계값을 통과한 "
        "박스, 굵은 색 박스는 NMS 뒤에 남은 박스이며 가장 잘 맞는 GT의 색을 띱니다.\n\n"
        "**해 볼 것:** σ(head의 잡음)를 올리면 박스가 흩어집니다. NMS IoU 임계값을 내리면 중복 박스가 물체당 "
        "하나로 합쳐지고, 1에 가깝게 올리면 중복이 되살아납니다. 직접 만든 head의 출력을 JSON으로 올려도 됩니다."
    ),
    "pred.formulas": (
        "- **시뮬레이션 head:** 양성 앵커마다 delta = 진짜 타깃(GT의 encode) + 표준편차 σ의 가우시안 잡음, "
        "score ≈ 0.9. 나머지 앵커는 작은 무작위 score를 받습니다. seed가 같으면 같은 head가 나옵니다.\n"
        "- **Decode:** 박스 = decode(앵커, delta), 선택한 코더 사용 (Encode / decode 페이지 참고).\n"
        "- **Score 임계값:** score ≥ 임계값인 박스만 남깁니다.\n"
        "- **NMS:** score 순으로 정렬하고, 가장 좋은 박스를 고른 뒤 그것과의 IoU가 NMS 임계값보다 큰 나머지 "
        "박스를 모두 지우고, 반복합니다. 클래스별 NMS는 이를 클래스마다 따로 하므로 사람이 개를 지우지 않습니다.\n"
        "- **GT와의 IoU:** 최종 박스마다 GT 박스들과의 최고 IoU (보통 ≥ 0.5면 찾은 것으로 봅니다)."
    ),
    "pred.source": "Head 출력",
    "pred.src_sim": "학습된 head 시뮬레이션",
    "pred.src_upload": "예측 업로드 (JSON)",
    "pred.sigma": "σ (delta의 잡음)",
    "pred.sigma_help": "양성 앵커의 진짜 타깃에 더하는 가우시안 잡음의 표준편차. 0 = 완벽한 head.",
    "pred.seed": "seed",
    "pred.score": "score 임계값",
    "pred.score_help": "이보다 score가 낮은 박스는 NMS 전에 버립니다 (torchvision RetinaNet: 0.05).",
    "pred.nms": "NMS IoU 임계값",
    "pred.nms_help": "더 높은 score의 박스와의 IoU가 이보다 크면 박스를 지웁니다 (torchvision: 0.5).",
    "pred.class_aware": "클래스별 NMS",
    "pred.class_aware_help": "클래스마다 따로 NMS를 합니다(다른 클래스의 박스끼리는 서로 지우지 않음). 예측에 "
                             "클래스가 둘 이상 있을 때만 쓸 수 있습니다.",
    "pred.upload": "예측 JSON",
    "pred.upload_help": "파일 안의 어떤 것도 실행되지 않고 JSON으로만 읽습니다.",
    "pred.upload_formats": "받는 형식: 앵커마다 한 행인 {{\"deltas\": [[dx, dy, dw, dh], …], \"scores\": […]}} "
                           "(이 설정의 순서로 앵커 {n}개), 일부 앵커만 줄 때는 \"anchor_index\": […]를 더한 형식, "
                           "또는 네트워크 입력 픽셀 단위의 {{\"boxes\": [[x1, y1, x2, y2], …], \"scores\": […]}}. "
                           "\"classes\"는 선택입니다. 아래 시뮬레이션 head 다운로드가 예시입니다.",
    "pred.keeping_last": "마지막으로 올바르게 읽은 예측({name})을 계속 보여 줍니다.",
    "pred.upload_stale": "마지막 올바른 예측은 앵커 {n}개용인데 지금 설정은 {m}개입니다. 이 설정에 맞는 예측을 "
                         "올리세요.",
    "pred.upload_first": "예측 파일을 올리면 decode 결과를 볼 수 있습니다 (또는 시뮬레이션 head로 바꾸세요).",
    "pred.desc_sim": "시뮬레이션 head σ={sigma}, seed {seed}",
    "pred.desc_upload": "{name}",
    "pred.no_coder": "이 예측은 delta이므로 decode하려면 박스 코더가 필요합니다.",
    "pred.n_before": "임계값 전",
    "pred.n_after_thr": "score ≥ {thr} 뒤",
    "pred.n_after_nms": "NMS 뒤 (IoU {thr})",
    "pred.gt_found": "찾은 GT (IoU ≥ 0.5)",
    "pred.hover": "score {score} · 클래스 {cls}<br>가장 맞는 GT {gt}, IoU {iou}<br>앵커 {a}에서 나옴",
    "pred.fig_title": "{desc}: 예측 {n0:,}개 → score ≥ {thr} {n1:,}개 → NMS 뒤 {n2:,}개 (IoU {nms})",
    "pred.cand_name": "score 임계값 통과 ({n})",
    "pred.final_name": "NMS 뒤 ({n})",
    "pred.caption": "얇은 흰 선: score 임계값을 통과한 박스(대부분 NMS가 지움). 굵은 선: 최종 박스이며, 가장 많이 "
                    "겹치는 GT의 색(겹치는 GT가 없으면 흰색)입니다.",
    "pred.over_budget": "{n}개 박스가 임계값을 통과했습니다. 앵커 순서로 처음 {m}개만 그립니다.",
    "pred.table_head": "최종 박스와 GT와의 IoU",
    "pred.col_score": "score",
    "pred.col_class": "클래스",
    "pred.col_gt": "가장 맞는 GT",
    "pred.col_iou": "IoU",
    "pred.col_anchor": "앵커",
    "pred.none_left": "남은 박스가 없습니다. score 임계값을 낮추세요.",
    "pred.download": "이 head를 predictions.json으로 내려받기 (상위 500 score)",
    "pred.download_help": "업로드 형식의 예시입니다 (anchor_index를 쓴 희소 형식).",
}
