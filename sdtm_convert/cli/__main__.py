"""``python -m sdtm_convert.cli``: the same as the ``sdtm-convert`` command."""

import sys

from sdtm_convert.cli import main

sys.exit(main())
