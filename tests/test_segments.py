"""``distinct_rows``: work once per distinct row, exactly what every row gets alone."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from botcomments.segments import distinct_rows

# few distinct values (so rows repeat), NaN and both signs of zero among them
_VALUES = st.sampled_from([0.0, -0.0, 1.0, 0.5, np.nan, 1e-300])


@given(hnp.arrays(np.float64, st.tuples(st.integers(0, 40), st.integers(1, 3)),
                  elements=_VALUES))
def test_distinct_rows_rebuild_the_table_bit_for_bit(table: np.ndarray) -> None:
    first, inverse = distinct_rows(table)
    assert np.array_equal(table[first][inverse].view(np.int64), table.view(np.int64))
    assert first.tolist() == sorted(first.tolist())  # in order of first occurrence
    if len(table):
        assert inverse[first].tolist() == list(range(len(first)))
    kept = {table[k].tobytes() for k in first.tolist()}
    assert len(kept) == len(first) == len({row.tobytes() for row in table})


def test_distinct_rows_tell_zero_signs_and_nans_apart_and_keep_float32() -> None:
    table = np.array([[0.0, 1.0], [-0.0, 1.0], [np.nan, 1.0], [0.0, 1.0], [np.nan, 1.0]],
                     dtype=np.float32)
    first, inverse = distinct_rows(table)
    assert first.tolist() == [0, 1, 2]
    assert inverse.tolist() == [0, 1, 2, 0, 2]
