"""The encode / decode / round-trip outputs every library's box-coder case names, from one ``CoderSpec``.
Not a handler module itself (it registers nothing)."""

from __future__ import annotations

import dataclasses
import re

from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.parity.golden import as_array, as_boxes

__all__ = ["coder_case", "with_spec"]


def with_spec(base: CoderSpec, **changes) -> CoderSpec:
    """``base`` with the given fields replaced (None leaves a field as it is)."""
    return dataclasses.replace(base, **{k: v for k, v in changes.items() if v is not None})


def coder_case(spec: CoderSpec, inp: dict, ctx: dict, *, encoded_name: str = "encoded") -> dict:
    """Encoded deltas of the ENC pairs and their round trip, decoded DEC boxes (also torchvision's (N, 1, 4) list
    API), and decoded boxes clipped to every ``max_shape`` the case gives (as an input, or in an output's name
    ``decoded_clipped_max_shape_HxW``)."""
    out = {}
    enc_a, enc_g = inp.get("enc_anchors", ctx.get("enc_anchors")), inp.get("enc_gts", ctx.get("enc_gts"))
    if enc_a is not None and enc_g is not None:
        enc = encode(as_boxes(enc_a), as_boxes(enc_g), spec)
        out[encoded_name] = enc
        rt = decode(as_boxes(enc_a), enc, spec)
        for k in ("roundtrip", "roundtrip_decoded", "roundtrip_decoded_of_ENC"):
            out[k] = rt
    if "dec_anchors" in inp:
        a, d = as_boxes(inp["dec_anchors"]), as_array(inp["dec_deltas"]).reshape(-1, 4)
        dec = decode(a, d, spec)
        out["decoded"] = dec
        out["decode_list_api"] = dec[:, None, :]
        shapes = [tuple(inp["max_shape_for_clip"])] if inp.get("max_shape_for_clip") is not None else []
        for key in ctx.get("keys", ()):  # the (H, W) may also be written only in the output's name
            m = re.fullmatch(r"decoded_clipped_max_shape_(\d+)x(\d+)", key)
            if m:
                shapes.append((int(m.group(1)), int(m.group(2))))
        for h, w in shapes:
            out[f"decoded_clipped_max_shape_{h:g}x{w:g}"] = decode(a, d, spec, max_shape=(h, w))
    return out
