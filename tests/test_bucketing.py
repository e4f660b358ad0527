"""Length-bucketed training batches: every case once per epoch, little padding, same contract."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa._training import LengthBucketSampler

from .conftest import FAST, assert_float32_close, make_bump_data


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 500), min_size=1, max_size=300),
    batch_size=st.integers(1, 40),
    seed=st.integers(0, 1000),
)
def test_each_case_once_per_epoch_in_batches_of_at_most_batch_size(lengths, batch_size, seed):
    sampler = LengthBucketSampler(
        lengths, batch_size, generator=torch.Generator().manual_seed(seed)
    )
    batches = list(sampler)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert all(1 <= len(batch) <= batch_size for batch in batches)
    assert len(batches) == len(sampler)


def _padding_share(batches, lengths):
    padded = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    return 1 - sum(lengths) / padded


def test_bucketed_batches_carry_far_less_padding_than_random_ones():
    rng = np.random.default_rng(0)
    lengths = rng.integers(20, 401, size=512).tolist()
    generator = torch.Generator().manual_seed(0)
    bucketed = list(LengthBucketSampler(lengths, 32, generator=generator))
    random_batches = torch.randperm(512, generator=generator).split(32)
    random_batches = [b.tolist() for b in random_batches]
    assert _padding_share(bucketed, lengths) < 0.5 * _padding_share(random_batches, lengths)


def test_batch_order_and_pools_are_random():
    lengths = list(range(100))
    first = list(LengthBucketSampler(lengths, 10, generator=torch.Generator().manual_seed(1)))
    second = list(LengthBucketSampler(lengths, 10, generator=torch.Generator().manual_seed(2)))
    assert first != second
    # Not one global sort: batch order is shuffled.
    assert [b[0] for b in first] != sorted(b[0] for b in first)


def _ragged_bump_data():
    X, y = make_bump_data(n_cases=60, n_timepoints=30)
    rng = np.random.default_rng(3)
    return [x[:, : rng.integers(8, 31)] for x in X], y


@pytest.mark.numerics
def test_bucketed_fit_is_repeatable_and_predictions_ignore_padding():
    series, y = _ragged_bump_data()
    a = BiLSTMMSAClassifier(**FAST, bucket_by_length=True).fit(series, y)
    b = BiLSTMMSAClassifier(**FAST, bucket_by_length=True).fit(series, y)
    np.testing.assert_array_equal(a.predict_proba(series), b.predict_proba(series))
    alone = np.vstack([a.predict_proba([s]) for s in series[:5]])
    assert_float32_close(alone, a.predict_proba(series)[:5])


def test_bucketing_changes_only_training_batches_of_unequal_length_data():
    X, y = make_bump_data(n_cases=40, n_timepoints=20)
    on = BiLSTMMSAClassifier(**FAST, bucket_by_length=True).fit(X, y)
    off = BiLSTMMSAClassifier(**FAST, bucket_by_length=False).fit(X, y)
    np.testing.assert_array_equal(on.predict_proba(X), off.predict_proba(X))  # equal length
    series, y = _ragged_bump_data()
    on = BiLSTMMSAClassifier(**FAST, bucket_by_length=True).fit(series, y)
    off = BiLSTMMSAClassifier(**FAST, bucket_by_length=False).fit(series, y)
    assert not np.array_equal(on.predict_proba(series), off.predict_proba(series))
