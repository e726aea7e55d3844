STRINGS = {
    "loss.title": "손실: 네트워크가 실제로 학습하는 것",
    "loss.intro": (
        "**보이는 것:** 선택한 라이브러리가 이 이미지에서 계산하는 학습 손실을 그 라이브러리 방식 그대로 보여 줍니다. "
        "위치마다 분류 항 또는 박스 항에서 차지하는 몫(색), 아무것도 기여하지 않는 앵커(무시되었거나 샘플링된 "
        "미니배치에서 빠진 앵커), 분류 손실 중 양성·어려운 음성·쉬운 음성이 차지하는 비율(선택한 γ와 γ = 0), "
        "GT별 박스 손실, 그리고 라이브러리 고유의 정규화 값과 이 이미지의 숫자를 넣은 수식입니다. "
        "**해 볼 것:** 학습 진행도를 움직여 손실이 줄어드는 것을 보고, γ를 0으로 두어 쉬운 음성이 분류 손실을 "
        "차지하는 것을 확인하고, Faster R-CNN 프리셋으로 바꿔 RPN의 256개 앵커 미니배치를 보세요."
    ),
    "loss.formulas": (
        "- 분류: focal loss(RetinaNet), 시그모이드 교차 엔트로피(RPN objectness) 또는 배경 클래스를 포함한 "
        "소프트맥스 교차 엔트로피(d2l의 SSD)를 앵커의 클래스 열에 대해 합합니다. 무시된 앵커와 샘플러가 뺀 앵커는 "
        "정확히 0을 기여합니다.\n"
        "- 박스: 양성에만 L1, smooth-L1(β; keras-retinanet은 σ로 쓰며 β = 1/σ²) 또는 GIoU.\n"
        "- 각 항은 라이브러리의 정규화 값(양성 수, 샘플링된 앵커 수, 고정 배치 크기, EMA, 또는 앵커 수)으로 "
        "나누고 가중치 λ를 곱합니다. 손실은 두 항의 합입니다.\n"
        "- 시뮬레이션 head는 모든 점수와 박스 오프셋을 학습 전 head(점수는 bias prior, 오프셋은 타깃에서 멂)에서 "
        "학습된 head까지 직선으로 옮기므로, 진행도가 오르면 손실이 줄어듭니다."
    ),
    "loss.no_rule": (
        "손실 뷰에는 **{conv}**의 **{preset}** 프리셋에 대해 재현된 손실이 없습니다 (mmdet v1의 레거시 head, "
        "mmdet의 SSD, YOLOv5는 아직 다루지 않습니다). 지원: {covered}. 다른 뷰는 이 설정으로 동작합니다. "
        "손실을 보려면 사이드바에서 위 프리셋 중 하나를 고르세요."
    ),
    # controls
    "loss.source": "head 출력",
    "loss.src_sim": "시뮬레이션 head",
    "loss.src_upload": "예측 업로드 (JSON)",
    "loss.asg": "라벨 출처",
    "loss.asg_head": "head 고유의 매처",
    "loss.asg_labels": "레이블 페이지",
    "loss.asg_help": "head의 매처는 라이브러리가 이 head를 학습할 때 쓰는 것입니다 (RPN 0.7/0.3, RetinaNet "
                     "0.5/0.4, SSD 0.5). 레이블 페이지의 할당은 내가 정한 임계값(또는 ATSS, YOLOv5 매칭)으로 "
                     "학습하면 어떻게 되는지 보여 줍니다.",
    "loss.progress": "학습 진행도",
    "loss.progress_help": "0: 학습 전 head (점수는 bias prior, 박스 오프셋은 타깃에서 멂). 1: 학습된 head. 모든 "
                          "값이 둘 사이를 직선으로 움직이므로 이 값이 오르면 손실이 줄어듭니다.",
    "loss.seed": "시드 (seed)",
    "loss.seed_help": "시뮬레이션 head의 노이즈와 미니배치를 뽑습니다 (라이브러리 샘플러처럼 torch.manual_seed 값).",
    "loss.cls_kind": "분류 손실",
    "loss.cls_focal": "focal loss",
    "loss.cls_bce": "시그모이드 교차 엔트로피",
    "loss.cls_softmax_ce": "소프트맥스 교차 엔트로피",
    "loss.cls_kind_help": "라이브러리 고유 구현: torchvision / fvcore sigmoid_focal_loss, mmdet FocalLoss, "
                          "확률에 대한 keras-retinanet focal, 로짓 BCE, 소프트맥스 CE.",
    "loss.box_kind": "박스 손실",
    "loss.box_l1": "L1",
    "loss.box_smooth_l1": "smooth L1",
    "loss.box_giou": "GIoU (디코딩된 박스)",
    "loss.box_kind_help": "이 라이브러리의 head에 설정할 수 있는 박스 손실만 나옵니다.",
    "loss.alpha_help": "양성 타깃의 가중치 α, [0, 1] 범위 (음성은 1 − α).",
    "loss.alpha_help_off": "양성 타깃의 가중치 α, [0, 1] 범위. 이 라이브러리는 α < 0을 α 가중치 없음으로 읽습니다.",
    "loss.gamma_help": "초점 매개변수 γ ≥ 0: head가 맞힐수록 (1 − p_t)^γ가 각 항을 줄입니다. γ = 0이면 교차 "
                       "엔트로피입니다.",
    "loss.beta_help": "Smooth-L1 β ≥ 0: β 아래는 2차, 위는 1차. 0이면 L1입니다.",
    "loss.beta_help_mmdet": "Smooth-L1 β > 0 (mmdet의 SmoothL1Loss는 β > 0을 요구합니다).",
    "loss.sigma_help": "keras-retinanet의 smooth-L1 σ > 0 (기본 3): β = 1/σ².",
    "loss.lambda_help": "손실 가중치 λ ≥ 0, 항에 곱해집니다.",
    "loss.bad_value": "{e} — 아래 손실은 마지막으로 유효했던 값을 유지합니다.",
    "loss.asg_head_desc": "라벨: {spec}은 이 라이브러리의 {name} 매처로 학습합니다.",
    "loss.asg_labels_desc": "라벨: 레이블 페이지의 할당 ({desc}).",
    # the head
    "loss.desc_sim": "진행도 {p}의 시뮬레이션 head, 시드 {seed}",
    "loss.desc_upload": "업로드한 {name}",
    "loss.upload": "예측 업로드 (JSON)",
    "loss.upload_help": "예측 페이지 형식에 손실에 필요한 클래스 점수를 더한 것: 앵커마다 한 행.",
    "loss.upload_formats": (
        "`{{\"deltas\": [[dx, dy, dw, dh], …], \"scores\": […], \"logits\": [[x_0, …, x_C-1], …]}}` 형식으로 "
        "앵커마다 한 행 (여기서는 {n}개, anchorviz의 앵커 순서), 또는 `logits` 대신 `probabilities`. 앵커당 점수 "
        "하나로는 임계값과 NMS는 되지만 여러 클래스에 대한 손실은 계산할 수 없으므로, RPN(objectness 열 하나: "
        "점수가 그 확률)을 빼고는 `logits`가 필요합니다. 열은 라이브러리의 head를 따릅니다: torchvision "
        "RetinaNet과 소프트맥스 head에는 배경 열이 있습니다. 확률은 로짓으로 바꾸기 전에 [1e-7, 1 − 1e-7]로 "
        "잘립니다."
    ),
    "loss.keeping_last": "마지막으로 올바른 파일 {name}을(를) 유지합니다.",
    "loss.upload_first": "손실을 보려면 예측 파일을 업로드하세요.",
    "loss.upload_stale": "마지막 올바른 파일은 {n}행인데 지금 설정의 앵커는 {m}개입니다. 이 설정에 맞는 파일을 "
                         "올려 주세요.",
    "loss.download": "이 head를 예측 파일로 내려받기",
    "loss.download_help": "업로드 형식의 시뮬레이션 head (클래스 점수 {n}개): 다시 올리면 같은 손실이 나오고, 고쳐 "
                          "볼 수도 있습니다. 예측 페이지에서도 읽을 수 있습니다.",
    # metrics
    "loss.m_total": "전체 손실",
    "loss.m_cls": "분류 항",
    "loss.m_box": "박스 항",
    "loss.m_norm": "정규화 값",
    "loss.m_pos": "양성",
    "loss.counts": "앵커 {n}개 중: 양성 {pos}, 음성 {neg}, 무시 {ign}, 샘플링 안 됨 {ns}.",
    # figure
    "loss.term": "이미지에 표시",
    "loss.term_cls": "분류",
    "loss.term_box": "박스",
    "loss.fig_title": "{spec}, {desc}: 전체 {total} = 분류 {cls} + 박스 {box} · 표시: {term}",
    "loss.bin_0": "항의 10% 이상 ({n})",
    "loss.bin_1": "1–10% ({n})",
    "loss.bin_2": "0.1–1% ({n})",
    "loss.bin_3": "0.01–0.1% ({n})",
    "loss.bin_4": "0.01% 미만 ({n})",
    "loss.ignored_name": "무시된 앵커: 계산 안 됨 ({n})",
    "loss.not_sampled_name": "샘플링 안 됨: 계산 안 됨 ({n})",
    "loss.no_box_name": "양성 없음: 박스 손실 없음",
    "loss.hover_pos": "손실 최대, 양성 포함 ({n})",
    "loss.hover_neg": "손실 최대, 음성만 ({n})",
    "loss.pred_name": "상위 양성의 예측 박스 ({n})",
    "loss.caption_cls": "점 하나가 위치 하나이며, 색은 그 위치에서 계산되는 앵커들이 분류 항에서 차지하는 몫의 "
                        "합입니다. 주황 고리는 무시된 앵커가 있는 위치, 회색 점은 모든 앵커가 미니배치에서 빠진 "
                        "위치입니다: 그 앵커들은 0을 기여합니다.",
    "loss.caption_box": "박스 손실은 양성에만 있습니다: 사각형 색은 박스 항에서의 몫이고, 점선 박스는 상위 양성에 "
                        "대해 head가 예측한 박스입니다.",
    "loss.caption_sampled": "이 head는 샘플링된 미니배치로 학습합니다: 이미지당 {bs}개 앵커, 양성 비율 {pf} "
                            "({rule} 샘플러). 양성 {p}개와 음성 {n}개가 뽑혔고, 나머지 라벨 앵커는 아무것도 "
                            "기여하지 않습니다.",
    "loss.caption_hover": "표시된 {k}개 위치에 마우스를 올리면 앵커마다 타깃, 예측, 손실이 나옵니다.",
    # hover
    "loss.role_pos": "양성",
    "loss.role_neg": "음성",
    "loss.role_ign": "무시",
    "loss.role_ns": "샘플링 안 됨",
    "loss.background": "배경",
    "loss.hv_head": "<b>{lv}</b> 셀 ({y}, {x}): {term} 항의 {share}",
    "loss.hv_not_counted": "{size}: {role}, 계산 안 됨 (손실 0)",
    "loss.hv_cls": "{size}: {role} → {target} · p(타깃) {p} · 최대 p(물체) {fg} · 손실 {loss} ({share})",
    "loss.hv_box": "{size} → GT {gt}: 타깃 {target} · 예측 {pred} · 손실 {loss} ({share})",
    "loss.hv_more": "… 이 위치에 앵커 {n}개 더",
    # breakdown
    "loss.g_pos": "양성",
    "loss.g_hard": "어려운 음성",
    "loss.g_easy": "쉬운 음성",
    "loss.bd_group": "{name}<br>(앵커 {n}개)",
    "loss.bd_bar": "항의 {share}: {loss}",
    "loss.bd_title": "분류 손실은 어디서 오는가: γ = {gamma}와 γ = 0 비교",
    "loss.bd_title_plain": "분류 손실은 어디서 오는가",
    "loss.bd_sub": "어려운 음성: 최대 p(물체) ≥ {thr}",
    "loss.bd_gamma": "γ = {gamma}",
    "loss.bd_gamma0": "γ = 0 (교차 엔트로피)",
    "loss.bd_y": "분류 항에서의 비율",
    "loss.bd_def": "계산되는 음성 중 head가 매긴 최대 물체 확률이 {thr} 이상이면(지금이라면 물체라고 부를 것) "
                   "어려운 음성, 아니면 쉬운 음성입니다. 그룹은 예측만 보므로 두 막대는 같은 앵커를 합합니다. "
                   "막대에 마우스를 올리면 항에서의 몫이 나옵니다.",
    "loss.bd_focal_note": "focal loss의 핵심: 쉬운 음성이 γ = 0에서는 손실의 {easy0}, γ = {gamma}에서는 {easy}를 "
                          "차지합니다.",
    "loss.bd_not_focal": "focal loss가 아니므로 γ가 적용되지 않아 비교할 γ = 0 막대가 없습니다.",
    # per GT
    "loss.gt_head": "GT별 박스 손실",
    "loss.gt_none": "GT 박스가 없습니다: 라벨이 붙은 앵커는 모두 음성이고 박스 손실은 없습니다.",
    "loss.col_pos": "양성",
    "loss.col_pos_sampled": "샘플링 +",
    "loss.col_assigned": "할당됨",
    "loss.col_box_sum": "Σ 박스 손실",
    "loss.col_share": "박스 항 %",
    "loss.col_flag": "⚠",
    "loss.flag_none": "양성 없음",
    "loss.gt_warn": "**GT 박스 {m}개 중 {n}개가 여기서 양성 앵커를 하나도 갖지 못했습니다: {names}.** 이들은 박스 "
                    "손실을 전혀 받지 못하고, 그 앵커들은 배경으로 학습되거나 아예 학습되지 않습니다.",
    "loss.gt_sampled_out": "그중 {n}개는 양성이 있었지만 미니배치 샘플러가 뺐습니다.",
    "loss.gt_all": "GT 박스 {m}개 모두 양성이 하나 이상 있어 각각 박스 손실을 받습니다.",
    # formulas
    "loss.fx_head": "{title}: 이 이미지의 숫자를 넣은 수식",
    "loss.fx_dtype": "손실과 합은 라이브러리처럼 float32로 계산합니다. 정규화 값은 Python 숫자입니다 (라이브러리가 "
                     "Python에서 세고 float32 합을 그 값으로 나눕니다).",
    "loss.norm_tv_retinanet": "torchvision은 이미지마다 합을 max(1, 그 이미지의 전경 앵커 수)로 나눈 뒤 배치의 "
                              "이미지들에 대해 평균을 냅니다 (여기서는 이미지 하나). 정규화가 배치 단위가 아니라 "
                              "이미지 단위입니다.",
    "loss.norm_tv_rpn": "torchvision의 RPN: objectness는 샘플링된 앵커에 대한 BCE 평균이고, 박스 손실은 샘플링된 "
                        "양성에 대해 합한 뒤 양성 수가 아니라 샘플링된 수(양성 + 음성)로 나눕니다.",
    "loss.norm_tv_roi": "torchvision의 Fast R-CNN: 교차 엔트로피는 샘플링된 RoI에 대한 평균, GT 클래스 위치의 박스 "
                        "손실은 합한 뒤 샘플링된 RoI 전체 수로 나눕니다.",
    "loss.norm_tv_fcos": "torchvision의 FCOS: 세 항 모두 max(1, 배치 전체의 전경 점 수)로 나눕니다.",
    "loss.norm_mmdet_pos": "mmdet의 avg_factor: 이미지마다 max(#pos, 1)의 합 — 양성이 없는 이미지도 1을 더합니다 — "
                           "이고, 평균은 avg_factor + float32 eps (1.19e-7)로 나누므로 avg_factor가 0이면 오류 대신 "
                           "매우 큰 수가 됩니다.",
    "loss.norm_mmdet_pos_neg": "랜덤 샘플러를 쓰는 mmdet: avg_factor = 이미지마다 샘플링된 max(#pos, 1) + "
                               "max(#neg, 1)의 합, 나눗셈에 float32 eps (1.19e-7) 추가. mmdet RPN에서는 라벨 0이 "
                               "전경입니다.",
    "loss.norm_d2_rpn": "detectron2의 RPN은 두 합을 batch_size_per_image × 이미지 수라는 상수로 나눕니다: 샘플링할 "
                        "수 있는 앵커가 적어도 줄어들지 않습니다.",
    "loss.norm_d2_ema": "detectron2의 RetinaNet은 이 배치의 양성 수가 아니라 모델에 저장된 이동 평균 "
                        "loss_normalizer로 나눕니다.",
    "loss.norm_d2_roi": "detectron2의 Fast R-CNN: RoI에 대한 교차 엔트로피 평균, GT 클래스 위치의 박스 손실은 합한 "
                        "뒤 max(#RoI, 1)로 나눕니다.",
    "loss.norm_keras_pos": "keras-retinanet은 두 합을 max(1, 배치 전체의 양성 앵커 수)로 나눕니다. 무시된 앵커(IoU가 "
                           "임계값 사이이거나 중심이 이미지 밖)는 빠집니다.",
    "loss.norm_d2l_mean": "d2l의 SSD에는 #pos 정규화가 없습니다: 교차 엔트로피는 모든 앵커에 대해, L1은 마스크된 "
                          "4A개 항목 전체(0 포함)에 대해 평균하므로, 그 숫자는 다른 라이브러리와 비교할 수 없습니다.",
    "loss.ema_text": "{init}에서 시작해 반복마다 N ← {m}·N + (1 − {m})·max(#pos, 1)로 움직입니다. 이 이미지의 양성 "
                     "{pos}개라면 처음 다섯 반복은 {seq}로 나눕니다 — 첫 반복은 #pos의 {ratio}배 — 그리고 약 {k}번 "
                     "반복한 뒤에야 #pos의 5% 안에 들어옵니다. 표시된 손실은 첫 반복의 값입니다.",
}
