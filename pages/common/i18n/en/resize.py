"""The train-time resize in words (pages/common/resize_text.py); sizes are written w×h."""

STRINGS = {
    "resize.mode_none": "no resize",
    "resize.mode_shorter_side": "shorter side",
    "resize.mode_letterbox": "letterbox",
    "resize.mode_custom": "custom",
    "resize.head": "{mode}: {photo} photo",
    "resize.scale_xy": "{sx} wide, {sy} high",
    "resize.scaled": " {scale} → {resized}",
    "resize.no_padding": "; network input {input} (w×h), no padding",
    "resize.letterbox": ", centred in {input} with grey borders left {left}, right {right}, top {top}, bottom "
                        "{bottom}; network input {input} (w×h)",
    "resize.padded": ", padded bottom/right to {input} (multiple of {div}); network input {input} (w×h)",
}
