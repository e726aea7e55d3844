STRINGS = {
    "plots.base_title_one": "Base anchors: {total} shapes on 1 level",
    "plots.base_title_many": "Base anchors: {total} shapes on {n} levels",
    "plots.one_cell": "one cell (stride × stride)",
    "plots.shape": "shape",
    "plots.cell_borders": "cell borders (stride)",
    "plots.image_border": "image border",
    "plots.squarest": "the squarest anchor of cell (0, 0)",
    "plots.centres": "anchor centres",
    "plots.centre": "centre",
}
