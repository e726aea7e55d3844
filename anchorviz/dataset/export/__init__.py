"""An AnchorConfig as the text each library's users paste into their config (``exporters``), and back
(``importers``, safe: nothing is executed). Every export round-trips."""
