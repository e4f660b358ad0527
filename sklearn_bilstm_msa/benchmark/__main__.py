"""``python -m sklearn_bilstm_msa.benchmark`` is ``bilstm-msa``."""

import sys

from .cli import main

sys.exit(main())
