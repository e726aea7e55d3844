"""A library's anchor knobs as short texts (what the app's sidebar and URLs hold), and back to an AnchorConfig.

``table`` (which knobs each library has, the texts a preset gives, the levels a preset offers), ``parse`` (texts
-> AnchorConfig, and keeping the user's texts when levels change), ``display`` (texts rounded for reading and for a
link, and rounded preset values read back exactly), ``messages`` (``KnobError``: the code and
fields of what is wrong with a text, English by default; the app renders them in the user's language).
"""
