"""`python -m cli`: the command line (also the `planassistent` console script)."""

import sys

from cli import main

sys.exit(main())
