"""Paper architectures as plain ``nn.Module``s."""

from .lenet import ACTIVATIONS, LeNet5, make_activation, negate_first_layer

__all__ = ["ACTIVATIONS", "LeNet5", "make_activation", "negate_first_layer"]
from .lenet_wide import WideLeNet
from .nin import NIN

__all__ += ["NIN", "WideLeNet"]
from .audio_vgg import AUDIO_ACTIVATIONS, AudioVGG11, make_audio_activation  # noqa: E402

__all__ += ["AUDIO_ACTIVATIONS", "AudioVGG11", "make_audio_activation"]
