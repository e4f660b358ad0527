"""A seed ensemble's members computed together (``_members.py``): the members' own
outputs, gradients and dropout draws, whichever front-end, pooling and head they have."""

import numpy as np
import pytest
import torch

import sklearn_bilstm_msa._members as members_module
from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa._members import computed_together
from sklearn_bilstm_msa._network import SeedEnsemble
from sklearn_bilstm_msa._training import MemberCrossEntropyLoss, fused_optimizer_runs

from .conftest import FAST, assert_float32_close, make_bump_data

pytestmark = pytest.mark.numerics

STRUCTURES = {
    "dilated+conv": dict(stem="dilated+conv", stem_stride=3, stem_dilations=(1, 2, 4)),
    "conv, mean+max, skip": dict(stem="conv", stem_stride=4, stem_pool="mean+max", stem_skip=True),
    "dilated, max, long windows": dict(stem="dilated", stem_stride=16, stem_dilations=(1, 2)),
    "no stem": dict(stem_stride=None),
    "no attention": dict(stem="dilated+conv", stem_stride=3, window_sizes=()),
    "inception": dict(stem="inception", stem_stride=4),
    "normalized, global": dict(stem_stride=2, context="normalized", window_sizes=(3, "global")),
}


def _restart_dropout(module):
    """Each member's dropout generator back to its seed (made again at the next draw)."""
    for member in module.members:
        member.dropout._generator = None


def _outputs_both_ways(module, x, lengths, seed=1):
    """The module's output computed together and member by member, each after seeding
    torch's generator and the members' own alike (so dropout draws, if any, can match)."""
    torch.manual_seed(seed)
    together = module(x, lengths)
    module.alike = False
    try:
        torch.manual_seed(seed)
        _restart_dropout(module)
        apart = module(x, lengths)
    finally:
        module.alike = True
    return together, apart


def _ensemble(structure, members=3, dropout=0.3, **extra):
    torch.manual_seed(0)
    return SeedEnsemble(
        members,
        "proba",
        n_channels=2,
        n_outputs=3,
        hidden_size=8,
        dropout=dropout,
        difference_scale=torch.ones(2),
        **{**STRUCTURES[structure], **extra},
    )


def _padded_batch():
    x = torch.randn(5, 70, 2)
    return x, torch.tensor([70, 50, 33, 70, 12])


@pytest.mark.parametrize("structure", list(STRUCTURES))
@pytest.mark.parametrize("training", [True, False])
def test_members_computed_together_give_their_own_outputs(structure, training):
    """With dropout in training mode too: the same draws, in the same order."""
    module = _ensemble(structure).train(training)
    x, lengths = _padded_batch()
    together, apart = _outputs_both_ways(module, x, lengths)
    assert together.shape == ((5, 3, 3) if training else (5, 3))
    assert_float32_close(together.detach().numpy(), apart.detach().numpy())


def test_members_computed_together_give_their_own_gradients():
    module = _ensemble("dilated+conv", dropout=0.0).train()
    x, lengths = _padded_batch()
    y = torch.tensor([0, 1, 2, 1, 0])
    grads = []
    for alike in (True, False):
        module.alike = alike
        module.zero_grad()
        MemberCrossEntropyLoss()(module(x, lengths), y).backward()
        grads.append([p.grad.clone() for p in module.parameters()])
    module.alike = True
    for together, apart in zip(*grads, strict=True):
        assert_float32_close(together.numpy(), apart.numpy())
    assert any(float(g.abs().max()) > 0 for g in grads[0])


def test_large_batches_take_the_members_front_ends_in_groups(monkeypatch):
    """Past ``FUSED_STEM_MAX_ELEMENTS`` features a convolution, the members' filters are
    stacked a few at a time; the outputs stay the members' own."""
    calls = []
    original = torch.nn.functional.conv1d

    def counting_conv1d(x, weight, *args, **kwargs):
        calls.append(weight.shape[0])
        return original(x, weight, *args, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "conv1d", counting_conv1d)
    module = _ensemble("dilated+conv", members=5).eval()
    x, lengths = _padded_batch()
    # One member's filters by branch (dilations 1, 2, 4): hidden_size=8 shared out as
    # 3, 3, 2, and 8 undilated ones beside the first.
    own = [11, 3, 2]
    # Room for two members' features of this batch in one convolution.
    monkeypatch.setattr(members_module, "FUSED_STEM_MAX_ELEMENTS", 2 * 5 * 70 * sum(own))
    with torch.no_grad():
        together, apart = _outputs_both_ways(module, x, lengths)
    assert_float32_close(together.numpy(), apart.numpy())
    pairs = [2 * n for n in own]
    # The blocks of members 0-2 and 3-4 in groups of 2 and 1, and 2; then apart.
    assert calls == pairs + own + pairs + own * 5


def test_lstm_dropout_between_layers_keeps_the_members_apart():
    """An LSTM that draws dropout between its layers would draw in another order."""
    module = _ensemble("dilated+conv", num_layers=2).train()
    assert not computed_together(module.members)
    assert computed_together(module.eval().members)
    assert computed_together(_ensemble("dilated+conv", num_layers=2, dropout=0.0).members)


def test_a_default_ensemble_fit_trains_its_members_together():
    """The classifier's five members are one structure, computed together, and its
    optimizer is fused where torch has the kernel; the fit is repeatable."""
    X, y = make_bump_data(n_cases=30, n_timepoints=20)
    params = dict(FAST, n_estimators=3, max_epochs=2)
    first = BiLSTMMSAClassifier(**params).fit(X, y)
    module = first.net_.module_
    assert isinstance(module, SeedEnsemble) and module.alike
    fused = fused_optimizer_runs(torch.optim.AdamW, "cpu")
    assert first.net_.optimizer_.defaults.get("fused") is (True if fused else None)
    again = BiLSTMMSAClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))


def test_fused_optimizer_probe_names_only_kernels_that_run():
    assert fused_optimizer_runs(torch.optim.RAdam, "cpu") is False  # RAdam has none
    torch_version = tuple(int(part) for part in torch.__version__.split(".")[:2])
    assert fused_optimizer_runs(torch.optim.AdamW, "cpu") is (torch_version >= (2, 4))
