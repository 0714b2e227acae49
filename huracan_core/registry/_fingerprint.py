"""A stable fingerprint of the data a model was trained on (lineage).

sha256 over the index (as int64 nanoseconds plus its timezone), the column
names and dtypes, and the values, column by column. Two frames with the same
fingerprint hold the same data in the same order; any changed value, row or
column changes it.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["data_fingerprint"]


def _index_bytes(index: Any) -> bytes:
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        tz = str(index.tz) if index.tz is not None else "naive"
        return b"datetime:" + tz.encode() + b":" + index.as_unit("ns").asi8.astype("<i8").tobytes()
    if isinstance(index, pd.MultiIndex):
        return b"multi:" + b"".join(_index_bytes(index.get_level_values(i)) for i in range(index.nlevels))
    return b"index:" + pd.util.hash_pandas_object(index, index=False).to_numpy().astype("<u8").tobytes()


def _values_bytes(series: Any) -> bytes:
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return np.ascontiguousarray(series.to_numpy(dtype="float64", na_value=np.nan)).astype("<f8").tobytes()
    return pd.util.hash_pandas_object(series, index=False).to_numpy().astype("<u8").tobytes()


def data_fingerprint(data: Any) -> str:
    """``sha256:<hex>`` of a DataFrame, Series or array (index, columns, dtypes and values)."""
    import numpy as np  # imported here: the registry itself must not need numpy/pandas
    import pandas as pd

    digest = hashlib.sha256()
    if isinstance(data, pd.Series):
        data = data.to_frame(name=str(data.name))
    if isinstance(data, pd.DataFrame):
        digest.update(_index_bytes(data.index))
        for name in data.columns:
            column = data[name]
            digest.update(b"\x00col:" + str(name).encode() + b":" + str(column.dtype).encode() + b"\x00")
            digest.update(_values_bytes(column))
    else:
        array = np.ascontiguousarray(np.asarray(data))
        digest.update(b"array:" + str(array.dtype).encode() + b":" + str(array.shape).encode())
        digest.update(array.tobytes())
    return "sha256:" + digest.hexdigest()
