"""``python -m anchorviz``: the command line (``anchorviz.cli``)."""

import sys

from anchorviz import cli

if __name__ == "__main__":
    sys.exit(cli.main())
