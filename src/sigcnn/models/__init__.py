"""Paper architectures as plain ``nn.Module``s."""

from .lenet import ACTIVATIONS, LeNet5, make_activation, negate_first_layer

__all__ = ["ACTIVATIONS", "LeNet5", "make_activation", "negate_first_layer"]
