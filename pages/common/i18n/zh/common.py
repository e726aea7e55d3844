STRINGS = {
    "common.language": "语言",
}
