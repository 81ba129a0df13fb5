from .transfer import (frequency_response_db, gaussian_kernel, gaussian_transfer_db,  # noqa: E402
                       hann_window_2d, maximum_gain_db)
from .sphere import (augment_anchors, augment_inputs, augmented_responses, correlations,  # noqa: E402
                     geodesic_distance, mean_removed, mean_removed_correlation, rectified_correlations,
                     rectify, scaled_responses, translated_sphere_responses, unit_vectors)
from .patches import extract_patches  # noqa: E402
from .spectra import (accumulate_on_grid, centroid_shift, energy_spectrum, energy_spectrum_2d, frequency_axis,  # noqa: E402
                      low_band_fraction, spectral_centroid, summed_energy_spectrum)
from . import modulation  # noqa: E402,F401  (DSB-SC, multi-carrier, MIMO, CNN operators as modulators)
from . import deformation, wavelets  # noqa: E402,F401  (time-frequency analysis and deformations, scattering chapter)
from . import stable_noise  # noqa: E402,F401  (SαS noise, the two SNR definitions, BPSK bit-error rates)
