STRINGS = {
    "inputs.image": "이미지",
    "inputs.image_help": "직접 박스를 그려 둔 번들 사진(퍼블릭 도메인 / CC0, About 참고) 또는 업로드한 이미지입니다.",
    "inputs.uploaded": "업로드: {name}",
    "inputs.uploaded_image": "업로드한 이미지",
    "inputs.upload_image": "이미지 업로드 (JPEG, PNG, WebP, BMP)",
    "inputs.upload_image_help": "EXIF 방향을 적용하고, 어떤 색 모드든 RGB로 변환합니다. 업로드한 이미지는 링크에 담을 "
                                "수 없습니다.",
    "inputs.upload_gt": "GT 박스 업로드 (COCO JSON, YOLO txt, VOC XML, CSV)",
    "inputs.upload_gt_help": "COCO: 파일 이름으로 이미지를 고릅니다. YOLO: class cx cy w h, 정규화된 값. VOC: 이미지 "
                             "하나의 XML. CSV: x1,y1,x2,y2[,label], 헤더는 있어도 되고 없어도 됩니다.",
    "inputs.coco_image": "{name} 안의 이미지",
    "inputs.coco_placeholder": "이 박스들이 속한 이미지를 고르세요",
    "inputs.coco_help": "COCO 파일에 들어 있는 이미지 목록입니다. 고른 이미지의 박스를 씁니다.",
    "inputs.link_box_fields": "gt: 박스 {i}는 x1,y1,x2,y2,class 형식이어야 하는데 {text!r}이(가) 들어왔습니다",
    "inputs.link_box_number": "gt: 박스 {i}에 숫자가 아닌 값이 있습니다: {text!r}",
    "inputs.link_boxes": "링크에 담긴 편집된 박스 ({e})",
    "inputs.new_box": "새 박스: {e}",
    "inputs.new_class": "그림 위에 그린 박스의 클래스",
    "inputs.gt_table": "GT 표",
    "inputs.gt_table_numbers": "GT 표: x1, y1, x2, y2에는 숫자가 들어가야 합니다 ({e})",
    "inputs.gt_expander": "GT(ground truth): 박스 {n}개 (편집, 추가, 삭제, 다운로드)",
    "inputs.gt_caption": "{name} 위의 박스 {n}개 ({w}×{h} 사진 픽셀). 셀을 편집하거나, 맨 아래에 행을 추가하거나, 행을 "
                         "골라 삭제하세요. 그림에서 Box Select 모드로 드래그해도 박스가 추가됩니다.",
    "inputs.col_class": "클래스",
    "inputs.incomplete": "x1, y1, x2, y2가 모두 채워지지 않은 행 {n}개는 아직 반영되지 않았습니다.",
    "inputs.download_gt": "GT를 COCO JSON으로 다운로드",
}
