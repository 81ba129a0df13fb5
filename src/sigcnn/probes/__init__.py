from .epoch_metrics import HeldOutRecorder  # noqa: E402
from .max_gain import (MaxGainMonitor, classifier_data_derivative, data_derivative,  # noqa: E402
                       frequency_response, impulse_image, maximum_gain, winning_class_projection)
from .anchors import (compound_anchors, compound_bias, cascade_responses, first_layer_matrix,  # noqa: E402
                      match_on_angle, nearest_angle, second_layer_matrix, spherical_kmeans, unit_anchors)
from .recos_tables import recos_tables, recos_units  # noqa: E402
from .spectra import LayerSpectra, SpectrumRecorder, record_spectra  # noqa: E402
