"""sigcnn: the library behind *CNNs through the Lens of Signal Processing*.

Sub-packages, data flowing left to right::

    data -> models -> probes -> experiments -> plots / widgets -> notebooks, cli
                 ^          ^
              signals (pure maths on arrays and tensors)
"""

__version__ = "0.1.0"
