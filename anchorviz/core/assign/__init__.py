"""Assignment: ``labels`` (Label, Assignment), ``max_iou`` (every library's max-IoU rule), ``yolov5`` (shape
matching with neighbouring cells), ``atss``."""
