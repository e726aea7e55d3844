STRINGS = {
    "common.language": "Language",
}
