"""The one error a missing data set raises."""


class DatasetUnavailable(RuntimeError):
    """A data set (or some of its files) is not under the data root and cannot be downloaded.

    The message names the missing files and the folder they belong in.
    """
