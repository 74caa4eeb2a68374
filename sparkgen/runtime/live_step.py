"""Entry of the live application: spark-submit live_step.py --plan URI --input ROOT --checkpoint DIR ...

One long-running Spark application that refreshes the open windows' provisional rows with the same
generated plan as the window step; see sparkgen/README.md ("Live mode").
"""

import sys

from trends_step.live_cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
