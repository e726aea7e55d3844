STRINGS = {
    "common.language": "언어",
}
