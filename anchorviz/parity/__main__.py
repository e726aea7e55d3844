"""``python -m anchorviz.parity FILES``: the golden checker's command line (``anchorviz.parity.report``)."""

import sys

from anchorviz.parity import report

if __name__ == "__main__":
    sys.exit(report.main())
