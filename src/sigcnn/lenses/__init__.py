"""All five lenses on one network: :func:`read_network` measures a CNN layer by layer on the same weights.

See :mod:`sigcnn.lenses.network` for what each lens measures.
"""

from .network import LayerReading, LensSettings, NetworkReading, read_network, untrained_copy

__all__ = ["LayerReading", "LensSettings", "NetworkReading", "read_network", "untrained_copy"]
