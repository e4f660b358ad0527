"""``n_jobs`` across a seed ensemble's members (``_spread.py``): independent members,
blocks whose arithmetic is their own, and a fit in processes side by side that gives
the one-process fit bit for bit."""

import numpy as np
import pytest
import torch
from skorch.callbacks import EpochScoring

import sklearn_bilstm_msa._spread as spread
from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor
from sklearn_bilstm_msa._network import SeedEnsemble, member_blocks
from sklearn_bilstm_msa._training import MemberGradientClipping

from .conftest import assert_float32_close, make_bump_data

# No hold-out and the cosine schedule (the regressor's defaults, a hold-out and the
# plateau schedule, couple the members).
SMALL = dict(
    lr_schedule="cosine",
    hidden_size=8,
    max_epochs=3,
    batch_size=8,
    random_state=0,
    n_estimators=3,
    dropout=0.3,
    validation_fraction=None,
)


def _ensemble(block=None, members=3):
    torch.manual_seed(0)
    return SeedEnsemble(
        members,
        "proba",
        block=block,
        n_channels=2,
        n_outputs=3,
        hidden_size=8,
        dropout=0.3,
        stem="dilated+conv",
        stem_stride=3,
        stem_dilations=(1, 2),
    )


def test_member_blocks_split_the_members_in_two_contiguous_blocks():
    assert member_blocks(5) == [(0, 3), (3, 5)]
    assert member_blocks(4) == [(0, 2), (2, 4)]
    assert member_blocks(2) == [(0, 1), (1, 2)]
    assert member_blocks(1) == [(0, 1)]


@pytest.mark.numerics
def test_a_block_alone_computes_its_members_as_the_whole_ensemble_does():
    """The same initial weights, dropout seeds and, in training mode, outputs and
    gradients, bit for bit: a block's arithmetic is its own."""
    whole, block = _ensemble(), _ensemble(block=(2, 3))
    assert len(block.members) == 1
    own = whole.members[2].state_dict()
    assert all(torch.equal(v, block.members[0].state_dict()[k]) for k, v in own.items())
    assert whole.members[2].dropout.seed == block.members[0].dropout.seed
    x, lengths = torch.randn(5, 40, 2), torch.tensor([40, 31, 40, 12, 25])
    target = torch.tensor([0, 1, 2, 1, 0])
    outputs = []
    for module in (whole.train(), block.train()):
        out = module(x, lengths)
        torch.nn.functional.cross_entropy(out[:, -1], target).backward()
        outputs.append(out[:, -1].detach())
    assert torch.equal(outputs[0], outputs[1])
    for a, b in zip(whole.members[2].parameters(), block.members[0].parameters(), strict=True):
        assert torch.equal(a.grad, b.grad)


def test_a_block_must_be_a_range_of_the_members():
    with pytest.raises(ValueError, match="block must be a range of the 3 members"):
        _ensemble(block=(2, 4))


def test_each_member_clips_its_own_gradient():
    module = _ensemble()
    for scale, member in zip((10.0, 1e-3, 5.0), module.members, strict=True):
        for p in member.parameters():
            p.grad = torch.full_like(p, scale)
    small = [p.grad.clone() for p in module.members[1].parameters()]

    class Net:
        module_ = module

    MemberGradientClipping(1.0).on_grad_computed(Net(), module.named_parameters())
    norms = [
        torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in m.parameters()]))
        for m in module.members
    ]
    assert float(norms[0]) == pytest.approx(1.0, rel=1e-4)
    assert float(norms[2]) == pytest.approx(1.0, rel=1e-4)
    # The member below the limit keeps its gradient, whatever the others' norms.
    kept = zip(small, module.members[1].parameters(), strict=True)
    assert all(torch.equal(a, p.grad) for a, p in kept)


def _counting_parallel(monkeypatch):
    """Record the ``n_jobs`` of every ``joblib.Parallel`` that ``_spread`` starts."""
    calls = []
    original = spread.Parallel

    def recording(*args, **kwargs):
        calls.append(kwargs["n_jobs"])
        return original(*args, **kwargs)

    monkeypatch.setattr(spread, "Parallel", recording)
    return calls


# Under AVX2 kernels too (.ci/run): a gradient reached a block as a strided slice in
# one process and whole in the other, and AVX2's sums of the two rounded apart.
@pytest.mark.numerics
@pytest.mark.parametrize("cls", [BiLSTMMSAClassifier, BiLSTMMSARegressor])
def test_n_jobs_2_trains_the_blocks_in_processes_bit_for_bit_as_one_process(cls, monkeypatch):
    X, y = make_bump_data(n_cases=24, n_timepoints=30)
    target = y if cls is BiLSTMMSAClassifier else y + X[:, 0, :5].mean(axis=1)
    weights = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))  # a weighted fit
    one = cls(n_jobs=1, **SMALL).fit(X, target, sample_weight=weights)
    calls = _counting_parallel(monkeypatch)
    two = cls(n_jobs=2, **SMALL).fit(X, target, sample_weight=weights)
    assert calls == [2]
    state_one, state_two = one.net_.module_.state_dict(), two.net_.module_.state_dict()
    assert all(torch.equal(v, state_two[k]) for k, v in state_one.items())
    method = "predict_proba" if cls is BiLSTMMSAClassifier else "predict"
    assert np.array_equal(getattr(one, method)(X), getattr(two, method)(X))
    # The history's losses, the members' mean, up to float32 rounding.
    assert len(two.history_) == len(one.history_) == SMALL["max_epochs"]
    assert_float32_close(
        np.asarray(two.history_[:, "train_loss"]), np.asarray(one.history_[:, "train_loss"])
    )
    assert two.history_[:, "train_loss_best"] == one.history_[:, "train_loss_best"]


@pytest.mark.parametrize(
    "params",
    [
        dict(n_jobs=1),
        dict(n_jobs=None),
        dict(n_jobs=2, n_estimators=1),
        dict(n_jobs=2, validation_fraction=0.25),
        dict(n_jobs=2, lr_schedule="plateau"),
        dict(n_jobs=2, callbacks=[("acc", EpochScoring("accuracy", on_train=True))]),
        dict(n_jobs=2, num_layers=2),
        dict(n_jobs=2, verbose=1),
    ],
)
def test_fits_whose_members_something_couples_train_in_one_process(params, monkeypatch):
    X, y = make_bump_data(n_cases=24, n_timepoints=30)
    calls = _counting_parallel(monkeypatch)
    clf = BiLSTMMSAClassifier(**{**SMALL, "max_epochs": 1, **params}).fit(X, y)
    assert calls == []
    assert clf.predict(X).shape == y.shape


def test_merged_history_takes_the_members_mean_and_the_longest_block():
    def history(losses, dur):
        return [
            {
                "epoch": e + 1,
                "dur": dur,
                "train_loss": float(np.mean(loss)),
                "batches": [{"train_loss": v, "train_batch_size": 4} for v in loss],
                "event_lr": 0.1,
            }
            for e, loss in enumerate(losses)
        ]

    merged = spread.merge_histories(
        [history([[1.0, 2.0], [0.5, 0.5]], 2.0), history([[4.0, 5.0], [2.0, 0.5]], 3.0)], [3, 2]
    )
    assert [b["train_loss"] for b in merged[0]["batches"]] == pytest.approx([2.2, 3.2])
    assert merged[:, "train_loss"] == pytest.approx([2.7, 0.8])
    assert merged[:, "train_loss_best"] == [True, True]
    assert merged[:, "dur"] == [3.0, 3.0]
    assert merged[:, "event_lr"] == [0.1, 0.1]
