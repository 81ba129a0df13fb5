"""The runtime layer every other layer may use: settings and devices (:mod:`.runtime`), result files
(:mod:`.results`), provenance and code state, checksums, the cache and multi-process training."""
