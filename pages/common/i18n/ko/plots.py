STRINGS = {
    "plots.base_title_one": "기본 앵커: 레벨 1개에 모양 {total}개",
    "plots.base_title_many": "기본 앵커: 레벨 {n}개에 모양 {total}개",
    "plots.one_cell": "셀 하나 (스트라이드 × 스트라이드)",
    "plots.shape": "모양",
    "plots.cell_borders": "셀 경계 (스트라이드)",
    "plots.image_border": "이미지 경계",
    "plots.squarest": "셀 (0, 0)에서 가장 정사각형에 가까운 앵커",
    "plots.centres": "앵커 중심",
    "plots.centre": "중심",
}
