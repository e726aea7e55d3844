STRINGS = {
    # 내비게이션 제목은 nav.py가 아니라 여기에 둡니다 (이 페이지는 파일 하나만 더하고 공유된 줄은 건드리지 않음)
    "nav.assigners": "할당기 비교",
    "assigners.title": "할당기(assigner): 앵커 옆의 FCOS, SimOTA, TAL, RTMDet 포인트",
    "assigners.intro": (
        "**보이는 것:** 왼쪽은 현재 설정의 앵커 규칙(라벨 페이지의 결과), 오른쪽은 *포인트*(특징 맵의 셀과 레벨마다 "
        "하나, 학습 시 리사이즈 후의 네트워크 입력 위)에 대한 최신 할당기입니다. 두 패널은 같은 언어를 씁니다: 회색 "
        "점은 음성, 주황 점은 무시, 양성은 GT 색의 테두리와 클래스 타깃 색으로 채운 마커(하드 라벨은 1, TAL·SimOTA·"
        "RTMDet은 소프트 점수)입니다. 양성이 하나도 없는 GT는 그 패널에서 표시됩니다. 아래에는 GT별 양성 수와, GT 하나의 "
        "후보와 그 비용이 있습니다. **해 볼 것:** *학습 진행도*를 움직여 예측을 보는 규칙은 라벨이 바뀌고 max-IoU와 "
        "FCOS는 그대로인 것을 보세요. 작은 GT를 고르고, mmdet의 SimOTA와 YOLOX의 것을, ultralytics 8.4와 8.3을 "
        "비교해 보세요."
    ),
    "assigners.formulas": (
        "- **FCOS** (torchvision / mmdet): GT 안에 있고(torchvision은 중심에서 1.5 stride 이내도) 가장 큰 회귀 거리가 "
        "레벨의 범위에 드는 포인트. 여러 GT가 공유하는 포인트는 가장 작은 GT에게 갑니다.\n"
        "- **TAL** (ultralytics): GT 안의 포인트에서 metric = score^α · CIoU^β. GT마다 top-k를 가져가고, 공유된 "
        "포인트는 CIoU가 가장 큰 GT에게 갑니다. 클래스 타깃은 GT의 최고 CIoU로 정규화한 metric입니다.\n"
        "- **SimOTA** (mmdet / YOLOX): 비용 = BCE(score) + 3 · (−log IoU) + GT 박스와 중심 사각형 밖이면 페널티. "
        "dynamic k = ⌊GT의 상위 10개 IoU 합⌋ ≥ 1 개의 가장 싼 포인트. 공유된 포인트는 가장 싼 GT에게. 클래스 타깃은 "
        "IoU.\n"
        "- **RTMDet DSL** (mmdet): 비용 = 소프트 라벨 BCE · |IoU − σ|² + 3 · (−log IoU) + 10^(거리/stride − 3). "
        "상위 13개 IoU로 dynamic k. 클래스 타깃은 IoU.\n"
        "- 왼쪽의 Max-IoU, YOLOv5, ATSS는 라벨 페이지의 규칙 그대로입니다."
    ),
    # controls
    "assigners.rule": "포인트 할당기",
    "assigners.rule_help": "각 규칙은 자기 라이브러리의 포인트(torchvision FCOS와 RTMDet은 셀 모서리, 나머지는 셀 "
                           "중심)에서, 그 규칙이 받는 형태의 예측으로 실행됩니다.",
    "assigners.rule_fcos_torchvision": "FCOS · torchvision",
    "assigners.rule_fcos_mmdet": "FCOS · mmdet FCOSHead",
    "assigners.rule_tal_8.4": "TAL · ultralytics 8.4 (YOLOv8 / YOLO11)",
    "assigners.rule_tal_8.3": "TAL · ultralytics 8.3",
    "assigners.rule_simota_mmdet": "SimOTA · mmdet (mmdet의 YOLOX)",
    "assigners.rule_simota_yolox_head": "SimOTA · YOLOX (HEAD)",
    "assigners.rule_simota_yolox_prefix": "SimOTA · 2023년 수정 이전의 YOLOX",
    "assigners.rule_dsl_rtmdet": "RTMDet · DynamicSoftLabel (mmdet)",
    "assigners.tal_settings": "TAL 설정",
    "assigners.tal_v8": "YOLOv8 / YOLO11 손실: top-10, α 0.5, β 6",
    "assigners.tal_defaults": "클래스 기본값: top-13, α 1, β 6 (TOOD, PP-YOLOE)",
    "assigners.tal_help": "YOLOv8 / YOLO11 검출 손실은 TaskAlignedAssigner(topk=10, alpha=0.5, beta=6.0)를 만듭니다. "
                          "클래스 자체의 기본값(13, 1.0, 6.0)은 TOOD의 것으로, RT-DETR가 나온 계열인 PP-YOLOE도 "
                          "씁니다(RT-DETR 자체는 헝가리안 매처로 쿼리를 매칭합니다).",
    "assigners.centre_sampling": "중심 샘플링 (mmdet)",
    "assigners.centre_sampling_help": "mmdet FCOSHead의 center_sampling (기본 꺼짐. FCOS ‘improvements’ 설정은 "
                                      "반경 1.5로 켭니다).",
    "assigners.compare": "비교 대상",
    "assigners.compare_none": "없음",
    "assigners.compare_help": "다른 규칙이 (같은 예측으로) 다른 GT나 배경을 주는 셀을 표시합니다. 같은 계열의 "
                              "변형이 먼저 나옵니다.",
    "assigners.levels": "포인트 레벨 (stride)",
    "assigners.no_strides": "사이드바 레벨에 4 px 이상의 stride가 없습니다 (픽셀마다 셀 하나인 고정 특징 맵). 포인트는 {st}를 씁니다.",
    "assigners.levels_help": "사이드바 레벨들의 stride. YOLOv8, YOLOX, RTMDet은 8 / 16 / 32를 씁니다 "
                             "(여기의 기본값).",
    "assigners.source": "예측",
    "assigners.src_sim": "시뮬레이션 head",
    "assigners.src_upload": "업로드 (JSON)",
    "assigners.progress": "학습 진행도",
    "assigners.progress_help": "0: 학습 전 head (사전 bias 점수, 박스가 멀리 벗어남), 1: 학습됨 (박스가 GT에 "
                               "가깝고 중심 근처에서 점수가 높음). 같은 seed면 모든 예측이 연속적으로 움직입니다.",
    "assigners.seed": "seed",
    "assigners.seed_help": "시뮬레이션 head의 난수 스트림.",
    "assigners.setup_desc": "{w}×{h} 입력, stride {st}",
    # predictions upload
    "assigners.upload": "예측 업로드 (JSON, 포인트마다 한 행)",
    "assigners.upload_help": "이 설정의 모든 포인트에 대한 점수와 디코딩된 박스. 형식은 아래를 보세요.",
    "assigners.format_title": "예측 파일 형식",
    "assigners.format": (
        "JSON 객체 하나, 행은 라이브러리들의 포인트 순서입니다: 레벨별로 가장 촘촘한 것부터, 레벨 안에서는 행 단위"
        "(y 바깥, x 가장 빠름) — 이 설정({setup})에서는 **{n}행**.\n\n"
        "```\n{{\n  \"format\": \"anchorviz.point_predictions/1\",\n  \"scores\": \"logits\",        "
        "// 또는 \"probabilities\"\n  \"cls\": [[c0, …, c{c}], …],   // 포인트마다 {classes}개 클래스 점수 한 행\n"
        "  \"obj\": [o, …],              // 선택: 포인트마다 objectness (YOLOX head)\n"
        "  \"boxes\": [[x1, y1, x2, y2], …],  // 디코딩된 박스, 네트워크 입력 픽셀\n"
        "  \"box_format\": \"xyxy\"         // 또는 \"cxcywh\", \"xywh\"\n}}\n```\n"
        "파일 안의 어떤 것도 실행되지 않습니다. 행 수가 틀리거나, NaN·무한대 값, [0, 1] 밖의 확률, 크기가 음수인 박스는 "
        "메시지와 함께 거부되고 마지막 정상 파일이 계속 쓰입니다."
    ),
    "assigners.download": "이 예측을 예제 파일로 내려받기",
    "assigners.download_help": "현재 이미지·설정·진행도·seed에서 시뮬레이션 head의 예측을 업로드 형식(logits)으로.",
    "assigners.keeping_last": "마지막 정상 파일 {name}을(를) 계속 씁니다.",
    "assigners.upload_first": "예측 파일을 업로드하면 그것을 씁니다. 그 전까지는 시뮬레이션 head를 보여 줍니다 "
                              "(업로드한 파일은 링크로 전달되지 않습니다).",
    "assigners.upload_stale": "마지막 정상 파일({name})은 {n}행인데 이 설정은 포인트가 {m}개입니다: 시뮬레이션 "
                              "head를 보여 줍니다.",
    "assigners.upload_classes": "{name}: 예측의 클래스는 {c}개인데 GT 클래스 인덱스 {k}에는 최소 {need}개가 "
                                "필요합니다. 그림의 클래스마다 점수 하나가 있어야 합니다.",
    # figure
    "assigners.src_desc_sim": "학습 진행도 {p}, seed {seed}",
    "assigners.src_desc_upload": "{name}의 예측",
    "assigners.fig_title": "{rule} · {src}: 양성 포인트 {pos}개, GT {n}개 중 {zero}개가 양성 없음",
    "assigners.left_title": "{rule}: 양성 앵커 {pos}개, 양성 없는 GT {zero}개",
    "assigners.right_title": "{rule}: 양성 포인트 {pos}개, 양성 없는 GT {zero}개",
    "assigners.pos_name": "양성 (테두리: 그 GT, 채움: 클래스 타깃)",
    "assigners.pos_hover": "GT %{customdata} · 클래스 타깃 %{marker.color:.3f}<extra></extra>",
    "assigners.as_dots": "양성 (하나씩 그리기엔 너무 많음: GT 색의 점)",
    "assigners.neg_name": "음성",
    "assigners.ign_name": "무시",
    "assigners.flag_name": "양성이 없는 GT",
    "assigners.flag_text": "양성 0",
    "assigners.target_title": "클래스 타깃",
    "assigners.gt_click": "GT 중심 (클릭하여 선택)",
    "assigners.gt_hover": "GT %{customdata}<extra></extra>",
    "assigners.diff_name": "{other}와(과) 다름 (셀 {n}개)",
    "assigners.diff_hover": "{this}: {a} · {other}: {b}",
    "assigners.background": "배경",
    "assigners.gt_word": "GT {i}",
    "assigners.caption": "두 패널은 확대를 함께합니다 (마우스 휠, 끌어서 이동). 점은 호버가 없는 이미지 한 장이고, "
                         "마커에는 호버가 있습니다. GT의 중심이나 그 양성 하나를 클릭하면 아래에 후보가 나옵니다.",
    "assigners.left_from_labels": "왼쪽 패널은 라벨 페이지의 assigner입니다: 거기서 바꾸세요.",
    # why things move
    "assigners.why_static": "**{rule}은(는) 정적 규칙입니다.** 기하(GT 안, 중심 영역, 레벨의 크기 범위, 공유된 "
                            "포인트는 가장 작은 GT)만으로 포인트에 라벨을 붙이고 예측은 읽지 않습니다. 학습 진행도를 "
                            "움직여도 오른쪽은 아무것도 바뀌지 않으며, 박스만 읽는 왼쪽의 max-IoU와 똑같습니다.",
    "assigners.why_dynamic": "**{rule}은(는) 예측을 봅니다.** 네트워크 자신의 예측({what})으로 후보의 순위를 "
                             "매기므로 학습이 진행되면 라벨이 움직입니다: 학습 전 head는 적고 흩어진 양성을, 학습된 "
                             "head는 각 GT 중심 근처에 더 많은 양성을 줍니다. 왼쪽의 앵커 규칙은 박스만 읽어 그대로입니다.",
    "assigners.what_tal": "각 포인트 예측의 score^α · CIoU^β",
    "assigners.what_simota": "각 예측의 분류 비용 + 3 × IoU 비용, IoU로 정한 dynamic k",
    "assigners.what_dsl": "소프트 분류 비용 + IoU 비용 + 중심 prior, IoU로 정한 dynamic k",
    "assigners.moved": "학습 진행도 {p0} → {p1}, seed {s0} → {s1}: 오른쪽에서 **포인트 라벨 {n}개가 바뀌었고**, "
                       "왼쪽에서 앵커 라벨 {a}개가 바뀌었습니다.",
    # per GT
    "assigners.per_gt": "GT별 양성",
    "assigners.zero_warning": "**GT {n}개 중 {zp}개가** {rule}에서 **양성 포인트를 받지 못하고**, {za}개가 {arule}에서 "
                              "양성 앵커를 받지 못합니다. 두 패널과 아래 표에 표시했습니다 — 검출기가 배경으로 "
                              "배우는 작고 붐비는 물체들입니다.",
    "assigners.all_have": "GT {n}개 모두 두 패널에서 양성이 있습니다.",
    "assigners.col_gt": "GT",
    "assigners.col_class": "클래스",
    "assigners.col_size": "w×h (입력 px)",
    "assigners.col_anchors": "양성 앵커 (왼쪽)",
    "assigners.col_pairs": "앵커 쌍 (왼쪽)",
    "assigners.col_points": "양성 포인트 (오른쪽)",
    "assigners.col_compare": "{rule}",
    "assigners.col_k": "dynamic k",
    "assigners.col_topk": "top-k",
    "assigners.col_lost": "충돌에서 잃음",
    "assigners.col_flag": "표시",
    "assigners.flag_anchor": "양성 앵커 없음",
    "assigners.flag_point": "양성 포인트 없음",
    "assigners.flag_anchor_lq": "앵커: 저품질 규칙으로만",
    "assigners.no_gt": "GT 박스가 없습니다: 사이드바에서 추가하면 누가 양성을 받는지 보입니다.",
    # one GT's candidates
    "assigners.cand_head": "GT 하나의 후보",
    "assigners.cand_gt": "GT",
    "assigners.cand_gt_option": "GT {i}: {cls} ({wh})",
    "assigners.cand_gt_help": "또는 위 그림에서 GT의 중심(또는 그 양성 하나)을 클릭하세요.",
    "assigners.cand_title": "{rule}에서 GT {gt}: 후보 {n}개 · {k} · 얻음 {w} · 잃음 {l}",
    "assigners.cand_k_dynamic": "dynamic k = {k}",
    "assigners.cand_k_topk": "top-k = {k}",
    "assigners.cand_k_none": "k 없음 (기하 규칙)",
    "assigners.level_title": "stride {s}",
    "assigners.value_cost": "비용 (낮을수록 이김)",
    "assigners.value_metric": "정렬 metric (높을수록 이김)",
    "assigners.value_allowed": "허용",
    "assigners.value_hover_cost": "비용 %{customdata:.4g}<extra></extra>",
    "assigners.value_hover_metric": "metric %{customdata:.3g}<extra></extra>",
    "assigners.value_hover_allowed": "이 GT에 허용됨<extra></extra>",
    "assigners.penalised": "페널티 (비용 ≥ 10⁵)",
    "assigners.penalised_hover": "이 GT의 페널티가 붙은 후보: 박스나 중심 사각형 밖<extra></extra>",
    "assigners.not_allowed": "안쪽이지만 허용 안 됨",
    "assigners.not_allowed_hover": "GT 안이지만 이 레벨의 범위나 중심 영역 밖<extra></extra>",
    "assigners.points_name": "이 레벨의 포인트",
    "assigners.won": "얻음",
    "assigners.lost": "골랐지만 다른 GT에게 잃음 (그 GT 색의 ×)",
    "assigners.lost_to": "GT {gt}이(가) 골랐으나 GT {w}에게 잃음",
    "assigners.lost_bg": "GT {gt}이(가) 골랐으나 배경이 됨",
    "assigners.cand_caption_fcos": "FCOS에는 비용이 없습니다: 초록 포인트는 이 GT에 대한 모든 검사(GT 안, 라이브러리가 "
                                   "쓰는 경우 중심 영역, 레벨의 크기 범위)를 통과하고, 회색은 안쪽이지만 검사 하나에 "
                                   "떨어진 것입니다. 여러 GT가 가질 수 있는 포인트는 가장 작은 GT에게 갑니다.",
    "assigners.cand_caption_tal": "(8.4: 넓힌) GT 안의 포인트에서 정렬 metric score^α · CIoU^β, 로그 눈금. GT는 "
                                  "top-k를 가져가고, 여러 GT가 고른 포인트는 CIoU가 가장 큰 GT에게 갑니다.",
    "assigners.cand_caption_simota": "각 후보의 비용, 로그 눈금 (밝을수록 쌈). 회색 셀은 이 GT의 페널티를 지니지만 "
                                     "그래도 뽑힐 수 있습니다: GT는 가장 싼 k개를 가져가고, k는 상위 10개 IoU의 합에서 "
                                     "나옵니다. 두 번 뽑힌 포인트는 더 싼 GT에게 갑니다.",
    "assigners.cand_caption_dsl": "각 후보(어떤 GT 안의 포인트)의 비용, 로그 눈금 (밝을수록 쌈). 중심 prior는 GT "
                                  "중심에서 stride 하나 멀어질 때마다 ×10 커집니다. GT는 가장 싼 k개를 가져가고, k는 "
                                  "상위 13개 IoU에서 나옵니다.",
    "assigners.ties": "GT {gt}의 k번째 자리가 동점입니다. 포인트는 CPU torch의 순서를 따릅니다 (다른 구현은 다르게 "
                      "고를 수 있습니다).",
    # where libraries disagree
    "assigners.diff_head": "라이브러리들이 다른 점",
    "assigners.simota_table": "SimOTA: 세 구현이 다른 필드",
    "assigners.col_field": "필드",
    "assigners.col_mmdet": "mmdet 3.3.0",
    "assigners.col_prefix": "수정 이전 YOLOX (a4152a5)",
    "assigners.col_head": "YOLOX HEAD",
    "assigners.diff_tal": "ultralytics 8.4는 두 번째 stride(8 / 16 / 32에서 16 px)보다 짧은 GT 변을 안쪽 검사 전에 "
                          "넓히고 topk2가 있습니다. 8.3.0에는 둘 다 없어, 같은 예측에서도 아주 작은 물체는 8.4에서만 "
                          "양성을 받습니다.",
    "assigners.diff_fcos": "torchvision은 FCOS 포인트를 셀 모서리에 두고, 중심에서 1.5 stride 이내를 샘플링하며, "
                           "열린 범위 경계와 float32 면적 키(약 8 px² 안의 면적은 동점, 낮은 인덱스가 이김)를 씁니다. "
                           "mmdet의 FCOSHead는 셀 중심, 기본적으로 중심 샘플링 없음, 닫힌 범위, 정확한 면적을 씁니다.",
    "assigners.diff_cells": "라이브러리 공통 순서로 셀끼리 비교합니다. {a}은(는) 포인트를 {pa}에, {b}은(는) {pb}에 "
                            "둡니다.",
    "assigners.corners": "셀 모서리",
    "assigners.centres": "셀 중심",
    "assigners.lq_left": "GT 박스 {n}개 중 {k}개는 {arule}에서 저품질 규칙으로만 양성입니다: pos_iou {pos}에 닿는 "
                         "앵커가 없습니다 (각각의 이유는 라벨 페이지에).",
}
