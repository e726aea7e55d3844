"""The command line (``python -m anchorviz``, the ``anchorviz`` script): ``stats`` and ``tune`` on a dataset.

``parser`` (arguments), ``inputs`` (what they mean), ``output`` (tables), ``progress``, ``commands``
(``main``). The top layer: it may import everything below it.
"""

from anchorviz.cli.commands import main

__all__ = ["main"]
