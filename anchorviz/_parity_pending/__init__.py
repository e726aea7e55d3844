"""Loss parity handlers waiting for the parity package (issue #12): the lead moves ``loss_<library>.py`` into
``anchorviz/parity/handlers/`` at merge. ``HANDLERS`` maps every library's loss functions to its handler."""

from __future__ import annotations

from anchorviz._parity_pending import (loss_d2l, loss_detectron2, loss_keras_retinanet, loss_mmdet,
                                       loss_torchvision)

HANDLERS: dict = {}
for _m in (loss_torchvision, loss_mmdet, loss_detectron2, loss_d2l, loss_keras_retinanet):
    HANDLERS.update(_m.HANDLERS)
