"""sigcnn: the library behind *CNNs through the Lens of Signal Processing*.

Sub-packages, data flowing left to right::

    data -> models -> probes -> experiments -> plots / widgets -> notebooks, cli
                 ^          ^
              signals (pure maths on arrays and tensors)

Importing ``sigcnn`` sets one fixed OpenMP setting before torch is loaded (see
:func:`sigcnn.core.runtime.thread_settings` for the reasons and the measurements):
``OMP_WAIT_POLICY=PASSIVE`` unless the variable is already set. Idle OpenMP threads then sleep
instead of spinning, so training does not collapse when another process uses a core, and the
thread count (torch's default, one per core) and hence every result stay what they were.
"""

import os as _os
import sys as _sys

#: True when torch was imported before sigcnn: the wait policy below then has no effect.
TORCH_IMPORTED_FIRST = "torch" in _sys.modules

# OpenMP reads this once, when torch loads libgomp: it must be set before ``import torch``.
# A user who imported torch first keeps OpenMP's default (active spin-waiting); a user who set
# the variable keeps their value. Never chosen from the current load, so results stay reproducible.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
