"""What reading one image's annotations left out, changed or found empty, as codes with numbers.

The report says it with codes and fields (``ParseReport.items``, ``ParseReport.empty_reason``) so that the app
can say it in the user's language; ``notes`` and ``empty_text`` are the English sentences, for the command line
and the library's callers.

Zero boxes are never a silent success: ``empty_reason`` says why a file gave none for the image.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EMPTY_REASONS", "BOX_TOLERANCE_PX", "ParseNote", "ParseReport"]

#: How far (in pixels) a box may reach outside the image before it is an error; closer ones are clipped.
BOX_TOLERANCE_PX = 1.0

#: Why a file gave no box for the image: the image is listed without objects (COCO: other images have
#: annotations; VOC: no <object>; CSV: only empty 'path,,,,,' rows), the file holds no box records at all (an
#: empty YOLO file: YOLO's way to say "no objects"), or every record was left out (crowd / zero-size).
EMPTY_REASONS = ("no_objects", "empty_file", "all_left_out")


@dataclass(frozen=True)
class ParseNote:
    """One thing a parser left out or changed: ``code`` ("crowd", "degenerate", "clipped") and how many boxes."""

    code: str
    count: int

    def fields(self, source: str) -> dict:
        """The fields of the note's text: file, n, tolerance (px)."""
        return {"file": source, "n": self.count, "tol": f"{BOX_TOLERANCE_PX:g}"}


_EN_NOTES = {  # code -> (singular, plural, sentence with {what} = "<n> <singular or plural>")
    "crowd": ("crowd region", "crowd regions",
              "{file}: {what} (iscrowd=1) left out; they mark groups of objects, not single boxes."),
    "degenerate": ("box", "boxes", "{file}: {what} with zero width or height left out."),
    "clipped": ("box", "boxes", "{file}: {what} reaching up to {tol} px outside the image clipped to its border."),
}
_EN_EMPTY = {
    "no_objects": "{file} has no boxes for {image}: the file lists the image without any object.",
    "empty_file": "{file} has no boxes for {image}: the file holds no box at all (an image without objects).",
    "all_left_out": "{file} has no boxes left for {image}: all {n} record(s) were left out (see the notes).",
}


@dataclass(frozen=True, kw_only=True)
class ParseReport:
    """What happened while reading one image's annotations.

    Attributes:
        source: the file name.
        format: "coco", "yolo", "voc", "csv" (or another short tag for hand-made data).
        n_records: box records read for this image, including the dropped ones.
        n_crowd_dropped: COCO ``iscrowd`` regions left out (they are not object boxes).
        n_degenerate_dropped: zero-width or zero-height boxes left out.
        n_clipped: boxes reaching at most `BOX_TOLERANCE_PX` outside the image, clipped to it.
        image: the image the boxes belong to, as the file names it ("" when the file does not name images).
        empty_reason: when no box was kept, one of `EMPTY_REASONS` ("" otherwise, or when a parser cannot tell).
    """

    source: str
    format: str
    n_records: int = 0
    n_crowd_dropped: int = 0
    n_degenerate_dropped: int = 0
    n_clipped: int = 0
    image: str = ""
    empty_reason: str = ""

    @property
    def n_kept(self) -> int:
        """Boxes that made it into the GroundTruth."""
        return self.n_records - self.n_crowd_dropped - self.n_degenerate_dropped

    @property
    def items(self) -> tuple[ParseNote, ...]:
        """Anything left out or changed, as codes with counts (empty when nothing was)."""
        counts = (("crowd", self.n_crowd_dropped), ("degenerate", self.n_degenerate_dropped),
                  ("clipped", self.n_clipped))
        return tuple(ParseNote(code, n) for code, n in counts if n)

    @property
    def notes(self) -> tuple[str, ...]:
        """The same in English sentences."""
        out = []
        for i in self.items:
            one, many, text = _EN_NOTES[i.code]
            out.append(text.format(what=f"{i.count} {one if i.count == 1 else many}", **i.fields(self.source)))
        return tuple(out)

    def empty_fields(self, image: str) -> dict:
        """The fields of the empty statement: file, image (the file's name for it, else ``image``), n records."""
        return {"file": self.source, "image": self.image or image, "n": self.n_records}

    def empty_text(self, image: str = "the image") -> str:
        """The English statement of why there is no box ("" when there are boxes or no reason is known)."""
        if self.n_kept or self.empty_reason not in _EN_EMPTY:
            return ""
        return _EN_EMPTY[self.empty_reason].format(**self.empty_fields(image))
