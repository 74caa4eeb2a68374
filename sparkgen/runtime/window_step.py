"""Entry of the window step: spark-submit window_step.py --plan URI --window-start ISO ...

The static runtime (the trends_step package beside this file, or the zip passed with --py-files on
EMR) runs the generated plan of a job; see sparkgen/README.md ("The step").
"""

import sys

from trends_step.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
