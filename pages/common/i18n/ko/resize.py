"""The train-time resize in words (pages/common/resize_text.py); sizes are written w×h."""

STRINGS = {
    "resize.mode_none": "리사이즈 없음",
    "resize.mode_shorter_side": "짧은 변 기준",
    "resize.mode_letterbox": "letterbox",
    "resize.mode_custom": "사용자 지정",
    "resize.head": "{mode}: {photo} 사진",
    "resize.scale_xy": "가로 {sx}, 세로 {sy}",
    "resize.scaled": " {scale} → {resized}",
    "resize.no_padding": "; 네트워크 입력 {input} (w×h), 패딩 없음",
    "resize.letterbox": ", {input} 가운데에 놓고 회색 테두리 왼쪽 {left}, 오른쪽 {right}, 위 {top}, 아래 {bottom}; 네트워크 입력 {input} (w×h)",
    "resize.padded": ", 오른쪽/아래를 {input}까지 패딩 ({div}의 배수); 네트워크 입력 {input} (w×h)",
}
