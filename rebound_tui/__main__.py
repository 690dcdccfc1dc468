"""`python -m rebound_tui` does what the `rebound-tui` command does."""

import sys

from rebound_tui.cli import main

sys.exit(main())
