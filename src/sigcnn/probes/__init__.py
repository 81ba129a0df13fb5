from .anchors import (
    cascade_responses,
    compound_anchors,
    compound_bias,
    first_layer_matrix,
    match_on_angle,
    nearest_angle,
    second_layer_matrix,
    spherical_kmeans,
    unit_anchors,
)
from .epoch_metrics import HeldOutRecorder
from .max_gain import (
    MaxGainMonitor,
    classifier_data_derivative,
    data_derivative,
    frequency_response,
    impulse_image,
    maximum_gain,
    winning_class_projection,
)
from .recos_tables import recos_tables, recos_units
from .spectra import LayerSpectra, SpectrumRecorder, record_spectra
