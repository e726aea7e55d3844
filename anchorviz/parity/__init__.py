"""The golden checker: run the reference libraries' golden cases through anchorviz and compare.

Usage::

    python -m anchorviz.parity GOLDEN.json [...] [--verbose]

Each file has the layout of ../shared/reference/*.json: ``{library, cases: [{case, function, params, inputs,
outputs}], common_inputs?}``. Every case is dispatched on (library, function) to a handler that reads its
parameters and inputs (never the expected outputs), computes with anchorviz, and returns the outputs by the
golden's own names; every output the golden lists must be computed (a missing one fails with its name) and is
compared (``compare``). One line is printed per failing or skipped case, the last line is
``N passed, M failed, K skipped``, and the exit status is 1 when any case failed.

Modules: ``golden`` (reading files, resolving ``common_inputs``, library and function keys), ``compare``,
``runner`` (one case, one file), ``report`` (the command line), ``handlers`` (one module per library or family;
the registered modules are listed in ``handlers.HANDLER_MODULES``).
"""
