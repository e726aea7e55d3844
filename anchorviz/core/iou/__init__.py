"""IoU: ``pairwise`` (IoU / IoF / GIoU in each library's arithmetic, shape IoU, YOLOv5's ratio metric) and what
assignment asks of the (GT x anchor) matrix, dense or computed only where the grid lets boxes overlap."""
