STRINGS = {
    "plots.base_title_one": "基础锚框：1 个层级共 {total} 种形状",
    "plots.base_title_many": "基础锚框：{n} 个层级共 {total} 种形状",
    "plots.one_cell": "一个格子（步长 × 步长）",
    "plots.shape": "形状",
    "plots.cell_borders": "格子边界（步长）",
    "plots.image_border": "图像边界",
    "plots.squarest": "格子 (0, 0) 中最接近正方形的锚框",
    "plots.centres": "锚框中心",
    "plots.centre": "中心",
}
