"""Whole annotated datasets in: COCO JSON, YOLO folders, Pascal VOC folders, CSV, as a folder or a .zip.

Every reader returns a `RawDataset`: one row per kept box, in original-image pixels, plus an image table
and counts of what was left out. `anchorviz.dataset.load` then maps the boxes through the train-time resize.

What is left out, always counted and reported, never silently:

* COCO crowd regions (``iscrowd`` = 1): they mark groups of objects, not single boxes;
* boxes with zero width or height (after clipping a box that reaches at most `BOX_TOLERANCE_PX` outside the
  image to the image border; such clipped boxes are counted too).

Everything else that is wrong raises AnchorVizInputError naming the file and the record: missing keys, wrong
types, negative/NaN sizes, a box more than `BOX_TOLERANCE_PX` outside its image, duplicate ids, references
to unknown images or categories, an image whose size cannot be found, an empty dataset.

Layouts (folder or zip):

* COCO: one ``.json`` file (pick one with ``annotation_file`` when there are several); image sizes come from
  its ``images`` entries. The index is built with pycocotools, the per-box columns with NumPy straight from
  the annotation list (no per-box Python objects beyond the decoded JSON): a 1M-annotation file loads in
  about 11 s on 2 cores, two thirds of it ``json.loads`` (benchmarks/bench_coco_load.py).
* YOLO: ``*.txt`` label files next to their images (``a.jpg`` + ``a.txt``) or in the Ultralytics layout
  (``images/train/a.jpg`` + ``labels/train/a.txt``). Image sizes come from the image headers (Pillow, no
  pixel decoding, EXIF rotation applied as Ultralytics does) or from a sizes file. Class names come from
  ``classes.txt`` / ``obj.names`` or the ``names:`` of a ``data.yaml``; otherwise "0", "1", ...
  An image without a label file is a background image (zero boxes). Other ``.txt`` files (``train.txt``,
  ``README.txt``) are ignored, with a note.
* Pascal VOC: ``*.xml`` files; sizes from ``<size>``, else from the image named by ``<filename>``, else from
  a sizes file.
* CSV: keras-retinanet's ``path,x1,y1,x2,y2,class_name`` rows (header optional; ``path,,,,,`` is an image
  without boxes), or a header naming the columns (``image|filename|path``, ``x1|xmin``, ``y1|ymin``,
  ``x2|xmax``, ``y2|ymax``, optional ``label|class``, optional ``width``, ``height``). Sizes from the width
  and height columns, else a sizes file, else the image headers.

A sizes file (``sizes.txt``, ``sizes.csv``, ``image_sizes.txt`` or ``image_sizes.csv`` in the dataset, or
given explicitly) has one ``name width height`` row per image (comma or whitespace separated, header
optional); the name may be the relative path, the file name or its stem.

Modules: ``raw`` (RawDataset, shared checks), ``coco``, ``folders`` (YOLO, VOC), ``csv``, ``sizes`` (sizes files,
image headers), ``read`` (format detection, ``read_dataset``).
"""
