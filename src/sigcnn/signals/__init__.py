from . import (
    deformation,
    modulation,
    stable_noise,
    wavelets,
)
from .patches import extract_patches
from .spectra import (
    accumulate_on_grid,
    centroid_shift,
    energy_spectrum,
    energy_spectrum_2d,
    frequency_axis,
    low_band_fraction,
    spectral_centroid,
    summed_energy_spectrum,
)
from .sphere import (
    augment_anchors,
    augment_inputs,
    augmented_responses,
    correlations,
    geodesic_distance,
    mean_removed,
    mean_removed_correlation,
    rectified_correlations,
    rectify,
    scaled_responses,
    translated_sphere_responses,
    unit_vectors,
)
from .transfer import frequency_response_db, gaussian_kernel, gaussian_transfer_db, hann_window_2d, maximum_gain_db
