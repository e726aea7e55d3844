"""Point-based and dynamic label assigners (FCOS, TAL, SimOTA, RTMDet's DSL) beside the anchor rules."""
