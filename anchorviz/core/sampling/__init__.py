"""Minibatch sampling: ``torch_rng`` (torch's CPU random stream and ``randperm``, without torch) and
``samplers`` (torchvision, detectron2 and mmdetection samplers, bit for bit)."""
