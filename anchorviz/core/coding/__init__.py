"""Box coding: ``spec`` (CoderSpec, a coder as data), ``presets`` (each library's coders, ``CODERS``), ``codec``
(``encode`` / ``decode`` in the library's dtype and operation order)."""
