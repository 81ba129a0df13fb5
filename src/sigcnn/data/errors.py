"""The errors a data set raises when it cannot be used."""


class DatasetUnavailable(RuntimeError):
    """A data set (or some of its files) is not under the data root and cannot be downloaded.

    The message names the missing files and the folder they belong in.
    """


class DatasetCorrupt(DatasetUnavailable):
    """A file of a data set is present but fails its checksum.

    The message names the file and the checksum it should have. It is never silently replaced
    by another source (such as the test-set split of MNIST).
    """
