"""The convolutional front-end (``stem``), the seed ensemble (``n_estimators``) and the
warning when a fit learned nothing (issue 13)."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSANetwork, BiLSTMMSARegressor
from sklearn_bilstm_msa._data import check_collection
from sklearn_bilstm_msa._defaults import (
    AUTO_ENSEMBLE_MAX_CASES,
    AUTO_ENSEMBLE_SIZE,
    AUTO_STEM_MAX_STEPS,
    AUTO_STEM_MAX_STRIDE,
    AUTO_STEM_STEPS,
    auto_n_estimators,
    auto_stem_dilations,
    auto_stem_stride,
    shared_shape,
)
from sklearn_bilstm_msa._masking import step_mask
from sklearn_bilstm_msa._network import SeedEnsemble, stem_summary
from sklearn_bilstm_msa._stems import (
    MATMUL_POOL_MAX_STRIDE,
    STEM_POOLS,
    ConvStem,
    DilatedConvStem,
    InceptionStem,
)

from .conftest import FAST, assert_float32_close, make_bump_data, make_shared_shape_data

# ------------------------------------------------------------------ the stem

#: Each front-end, built for ``n_channels`` and a stride (small, for speed).
STEM_FACTORIES = {
    "conv": lambda n_channels, stride, pool: ConvStem(
        n_channels, 5, kernel_size=7, stride=stride, pool=pool
    ),
    "dilated": lambda n_channels, stride, pool: DilatedConvStem(
        n_channels, 7, kernel_size=3, dilations=(1, 2, 4, 8), stride=stride, pool=pool
    ),
    "dilated+conv": lambda n_channels, stride, pool: DilatedConvStem(
        n_channels, 7, 3, dilations=(1, 2, 4, 8), stride=stride, undilated=5, pool=pool
    ),
    "inception": lambda n_channels, stride, pool: InceptionStem(
        n_channels, 6, stride=stride, pool=pool
    ),
    "inception-2-blocks-narrow": lambda n_channels, stride, pool: InceptionStem(
        n_channels, 4, stride=stride, depth=2, kernel_sizes=(3, 5, 7), bottleneck=3, pool=pool
    ),
}


@pytest.mark.parametrize("n_channels", [1, 2])
# 3 and 8 are summed by a matrix product, 13 by avg_pool1d in training and a reshape in
# prediction (MATMUL_POOL_MAX_STRIDE).
@pytest.mark.parametrize("stride", [1, 3, 8, 13])
@pytest.mark.parametrize("kind", list(STEM_FACTORIES))
@pytest.mark.parametrize("pool", STEM_POOLS)
def test_stem_shortens_to_ceil_length_over_stride_and_ignores_padding(
    kind, stride, n_channels, pool
):
    """Equal and unequal lengths, alone and in a batch, padded with zeros or garbage
    (large values, which would win a max-pool that saw them) give the same output."""
    torch.manual_seed(0)
    stem = STEM_FACTORIES[kind](n_channels, stride, pool)
    lengths = torch.tensor([17, 17, 9, 2, 1])
    x = torch.randn(5, 17, n_channels)
    out, out_lengths = stem(x, lengths)
    assert out_lengths.tolist() == [-(-n // stride) for n in lengths.tolist()]
    assert out.shape == (5, -(-17 // stride), stem.output_size)
    for i, n in enumerate(lengths.tolist()):
        alone, _ = stem(x[i : i + 1, :n], lengths[i : i + 1])
        m = int(out_lengths[i])
        assert_float32_close(out[i, :m].detach(), alone[0].detach())
        for fill in (1e3, -1e3):
            garbage = torch.cat([x[i : i + 1, :n], torch.full((1, 23, n_channels), fill)], 1)
            padded, _ = stem(garbage, lengths[i : i + 1])
            assert_float32_close(padded[0, :m].detach(), alone[0].detach())
            assert (padded[0, m:] == 0).all()
        assert (out[i, m:] == 0).all()


@pytest.mark.parametrize("stride", [2, 5, MATMUL_POOL_MAX_STRIDE, MATMUL_POOL_MAX_STRIDE + 1, 40])
@pytest.mark.parametrize("grad", [True, False], ids=["training", "prediction"])
def test_shortening_is_the_mean_over_each_windows_real_steps(stride, grad):
    """Every way of summing windows (matrix product; avg_pool1d where a gradient is
    recorded, a reshape where none is) gives the plain mean of each window's real steps,
    the last (short) window included, and zero beyond."""
    torch.manual_seed(0)
    stem = ConvStem(1, 3, stride=stride)
    lengths = torch.tensor([100, 61, 1])
    z = torch.rand(3, 4, 100) * step_mask(torch.zeros(3, 100), lengths).unsqueeze(1)
    mask = step_mask(torch.zeros(3, 100), lengths).float()
    with torch.set_grad_enabled(grad):
        out, out_lengths = stem.shorten(z, mask, lengths)
    assert out.shape == (3, -(-100 // stride), 4)
    for i, n in enumerate(lengths.tolist()):
        for j in range(out.shape[1]):
            window = z[i, :, j * stride : min((j + 1) * stride, n)]
            expected = window.mean(1) if window.shape[1] else torch.zeros(4)
            assert_float32_close(out[i, j], expected)
        assert out_lengths[i] == -(-n // stride)


@pytest.mark.parametrize("stride", [1, 3, MATMUL_POOL_MAX_STRIDE + 1])
def test_window_maximum_is_over_each_windows_real_steps(stride):
    """``pool="max"`` keeps each window's maximum over its real steps (zero beyond the
    series); ``"mean+max"`` the means of :func:`shorten` and then the maxima."""
    torch.manual_seed(0)
    lengths = torch.tensor([40, 23, 1])
    mask = step_mask(torch.zeros(3, 40), lengths).float()
    z = torch.rand(3, 4, 40) * mask.unsqueeze(1)  # ReLU-like features, zero at padding
    maxima, _ = ConvStem(1, 4, stride=stride, pool="max").shorten(z, mask, lengths)
    assert maxima.shape == (3, -(-40 // stride), 4)
    for i, n in enumerate(lengths.tolist()):
        for j in range(maxima.shape[1]):
            window = z[i, :, j * stride : min((j + 1) * stride, n)]
            expected = window.amax(1) if window.shape[1] else torch.zeros(4)
            assert torch.equal(maxima[i, j], expected)
    means, _ = ConvStem(1, 4, stride=stride).shorten(z, mask, lengths)
    both, _ = ConvStem(1, 4, stride=stride, pool="mean+max").shorten(z, mask, lengths)
    assert torch.equal(both, torch.cat([means, maxima], dim=2))
    assert ConvStem(1, 4, pool="mean+max").output_size == 8
    with pytest.raises(ValueError, match="stem_pool must be one of"):
        ConvStem(1, 4, pool="median")


def test_inception_stem_is_three_residual_blocks_of_four_branches():
    stem = InceptionStem(1, 64, stride=4)
    assert len(stem.blocks) == 3 and stem.output_size == 64
    first, second = stem.blocks[0], stem.blocks[1]
    assert first.bottleneck is None  # univariate: no bottleneck, as in InceptionTime
    assert second.bottleneck.out_channels == 32
    assert [c.kernel_size[0] for c in second.convs] == [9, 19, 39]
    assert [c.out_channels for c in second.convs] == [16, 16, 16]
    assert InceptionStem(3, 10).output_size == 12  # four branches of ceil(10 / 4)
    net = BiLSTMMSANetwork(1, 2, hidden_size=64, stem_stride=4, stem="inception")
    assert isinstance(net.stem, InceptionStem) and net.encoder.lstm.input_size == 64
    with pytest.raises(ValueError, match="stem must be one of"):
        BiLSTMMSANetwork(1, 2, stem_stride=4, stem="resnet")
    with pytest.raises(ValueError, match="kernel_sizes must be odd"):
        InceptionStem(1, 8, kernel_sizes=(8, 19, 39))


def test_dilated_stem_shares_its_filters_out_over_the_dilations():
    stem = DilatedConvStem(2, 10, kernel_size=7, dilations=(1, 2, 4), stride=3)
    assert stem.output_size == 10
    assert [c.out_channels for c in stem.convs] == [4, 3, 3]
    assert [c.dilation[0] for c in stem.convs] == [1, 2, 4]
    assert [c.padding[0] for c in stem.convs] == [3, 6, 12]  # "same": d (k - 1) / 2
    # As many weights as one convolution of width 7 with 10 filters (plus biases).
    assert sum(c.weight.numel() for c in stem.convs) == ConvStem(2, 10).conv.weight.numel()
    with pytest.raises(ValueError, match="dilations must be"):
        DilatedConvStem(1, 2, dilations=(1, 2, 4))
    with pytest.raises(ValueError, match="dilations must be"):
        DilatedConvStem(1, 8, dilations=(0,))


def test_dilated_conv_stem_keeps_all_undilated_filters_beside_the_dilated_ones():
    """``stem="dilated+conv"``: the conv stem's ``F`` width-7 filters at dilation one
    beside the ``F`` of the dilated stem, so the BiLSTM reads ``2 F`` features."""
    stem = DilatedConvStem(2, 10, kernel_size=7, dilations=(1, 2, 4), stride=3, undilated=10)
    assert stem.output_size == 20
    assert [c.out_channels for c in stem.convs] == [14, 3, 3]
    assert [c.dilation[0] for c in stem.convs] == [1, 2, 4]
    net = BiLSTMMSANetwork(
        1, 2, hidden_size=8, stem_stride=2, stem="dilated+conv", stem_dilations=(1, 2)
    )
    assert [c.out_channels for c in net.stem.convs] == [12, 4]
    assert net.encoder.lstm.input_size == 16
    with pytest.raises(ValueError, match="undilated filters need a first dilation of 1"):
        DilatedConvStem(1, 4, dilations=(2, 4), undilated=4)


def test_a_dilated_filter_reads_steps_d_apart():
    """One filter of width 3 at dilation 4 with weights (1, 0, 0) reads the step four
    before, zero before the series starts."""
    stem = DilatedConvStem(1, 1, kernel_size=3, dilations=(4,))
    with torch.no_grad():
        stem.convs[0].weight.copy_(torch.tensor([[[1.0, 0.0, 0.0]]]))
        stem.convs[0].bias.zero_()
    x = torch.arange(1.0, 11.0).view(1, 10, 1)
    out, _ = stem(x, torch.tensor([10]))
    assert out[0, :, 0].tolist() == [0, 0, 0, 0, 1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "length, dilations",
    [
        (1, (1,)),
        (12, (1,)),
        (13, (1, 2)),
        (82, (1, 2, 4, 8)),
        (1460, (1, 2, 4, 8, 16, 32, 64, 128)),
    ],
)
def test_auto_dilations_double_while_a_filter_fits_in_the_median_length(length, dilations):
    assert auto_stem_dilations([length, length, 3 * length]) == dilations


def test_a_dilated_classifier_fits_saves_and_reports_its_dilations(tmp_path):
    X, y = make_bump_data(n_cases=40, n_timepoints=30)
    clf = BiLSTMMSAClassifier(**FAST, stem="dilated").fit(X, y)
    assert clf.stem_dilations_ == (1, 2, 4)  # spans 7, 13 and 25 of 30 steps
    stem = clf.net_.module_.stem
    assert isinstance(stem, DilatedConvStem) and stem.dilations == (1, 2, 4)
    clf.save_weights(tmp_path / "dilated.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "dilated.pt")
    assert restored.stem_dilations_ == (1, 2, 4)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert BiLSTMMSAClassifier(**FAST, stem="conv").fit(X, y).stem_dilations_ is None
    both = BiLSTMMSAClassifier(**FAST, stem="dilated+conv").fit(X, y)
    assert both.stem_dilations_ == (1, 2, 4)
    assert both.net_.module_.stem.output_size == 2 * FAST["hidden_size"]


def test_a_classifier_with_window_maxima_fits_saves_and_restores_them(tmp_path):
    X, y = make_bump_data(n_cases=40, n_timepoints=30)
    clf = BiLSTMMSAClassifier(**FAST, stem="dilated+conv", stem_pool="mean+max").fit(X, y)
    stem = clf.net_.module_.stem
    assert stem.pool == "mean+max" and stem.output_size == 4 * FAST["hidden_size"]
    assert clf.net_.module_.encoder.lstm.input_size == 4 * FAST["hidden_size"]
    clf.save_weights(tmp_path / "maxima.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "maxima.pt")
    assert restored.stem_pool == "mean+max"
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_stem_summary_is_the_full_resolution_mean_and_the_largest_window():
    """With mean windows, the summary's mean is the mean of the stem's features over
    every real input step (not over windows, which a short last window would skew), and
    its maximum the largest window mean, padding and garbage ignored."""
    torch.manual_seed(0)
    net = BiLSTMMSANetwork(
        1, 2, hidden_size=4, stem="conv", stem_stride=4, stem_skip=True, window_sizes=(3,)
    )
    lengths = torch.tensor([10, 7])
    x = torch.randn(2, 10, 1)
    x[1, 7:] = 1e3  # garbage beyond the second series
    z, z_lengths = net.front_end(x, lengths)
    summary = stem_summary(net.stem, z, step_mask(z, z_lengths), lengths)
    assert summary.shape == (2, 2 * net.stem.output_size)
    for i, n in enumerate(lengths.tolist()):
        full = torch.relu(net.stem.conv(x[i : i + 1, :n].transpose(1, 2)))[0]  # (F, n)
        windows = [full[:, k : k + 4].mean(1) for k in range(0, n, 4)]
        expected = torch.cat([full.mean(1), torch.stack(windows).amax(0)])
        assert_float32_close(summary[i].detach(), expected.detach())


def test_stem_skip_widens_the_head_and_keeps_padding_invariance(bump_data, tmp_path):
    X, y = bump_data
    ragged = [x[:, : 5 + i % 20] for i, x in enumerate(X)]
    clf = BiLSTMMSAClassifier(**FAST, stem="dilated+conv", stem_skip=True).fit(ragged, y)
    net = clf.net_.module_
    # The attention's context, then the mean and the largest window of each stem feature.
    assert net.head.in_features == net.attention.output_size + 2 * net.stem.output_size
    proba = clf.predict_proba(ragged)
    one_by_one = np.concatenate([clf.predict_proba([x]) for x in ragged[:4]])
    assert_float32_close(one_by_one, proba[:4])
    clf.save_weights(tmp_path / "skip.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "skip.pt")
    assert restored.stem_skip is True
    np.testing.assert_array_equal(restored.predict_proba(ragged), proba)


def test_inception_blocks_never_normalise_across_the_batch():
    """A series' output does not depend on the other series of its batch, in training
    mode too (batch norm would tie them)."""
    torch.manual_seed(0)
    stem = InceptionStem(2, 8, stride=2).train()
    x = torch.randn(3, 12, 2)
    lengths = torch.tensor([12, 12, 7])
    together, _ = stem(x, lengths)
    alone, _ = stem(x[:1], lengths[:1])
    assert_float32_close(together[0].detach(), alone[0].detach())


def test_stem_windows_are_means_of_the_convolved_real_steps():
    stem = ConvStem(1, 1, kernel_size=1, stride=4)
    with torch.no_grad():
        stem.conv.weight.fill_(1.0)
        stem.conv.bias.zero_()
    x = torch.arange(1.0, 11.0).view(1, 10, 1)  # relu(x) = x
    out, lengths = stem(x, torch.tensor([10]))
    assert lengths.tolist() == [3]
    assert torch.allclose(out[0, :, 0], torch.tensor([2.5, 6.5, 9.5]))  # last: (9+10)/2


def test_dilated_stem_windows_are_means_of_each_blocks_real_steps():
    """The blocks of a dilated stem are pooled one by one and joined in branch order."""
    stem = DilatedConvStem(1, 2, kernel_size=1, dilations=(1, 2), stride=4, undilated=1)
    with torch.no_grad():
        for conv, scale in zip(stem.convs, (1.0, 3.0), strict=True):
            conv.weight.fill_(scale)  # the first block's two filters are both 1
            conv.bias.zero_()
    x = torch.arange(1.0, 11.0).view(1, 10, 1)
    out, lengths = stem(x, torch.tensor([10]))
    assert lengths.tolist() == [3] and out.shape == (1, 3, 3)
    means = torch.tensor([2.5, 6.5, 9.5])
    assert torch.allclose(out[0], torch.stack([means, means, 3 * means], dim=1))


def test_without_a_stem_the_network_is_the_papers():
    paper = BiLSTMMSANetwork(3, 2, hidden_size=8)
    assert paper.stem is None
    assert not any(name.startswith("stem") for name in paper.state_dict())
    assert BiLSTMMSAClassifier().stem is None or BiLSTMMSAClassifier(stem=None).stem is None


@pytest.mark.parametrize("stem", ["conv", "inception"])
@pytest.mark.parametrize("context", ["sum", "normalized"])
def test_attention_of_a_stemmed_network_lies_on_the_input_time_axis(context, stem):
    torch.manual_seed(0)
    net = BiLSTMMSANetwork(2, 3, hidden_size=8, stem_stride=4, context=context, stem=stem)
    net = net.eval()
    x = torch.randn(3, 13, 2)
    lengths = torch.tensor([13, 6, 2])
    plain = BiLSTMMSANetwork(8, 3, hidden_size=8, context=context).eval()
    plain.encoder, plain.attention = net.encoder, net.attention
    z, z_lengths = net.stem(x, lengths)
    weights = net.attention_weights(x, lengths)  # (N, S, T)
    assert weights.shape == (3, 3, 13)
    for i, n in enumerate(lengths.tolist()):
        assert (weights[i, :, n:] == 0).all()
        # Each encoder step's weight is shared evenly by its window's real input steps.
        total = plain.attention_weights(z[i : i + 1], z_lengths[i : i + 1]).sum(-1)
        assert torch.allclose(weights[i : i + 1].sum(-1), total, atol=1e-6)


def test_auto_stride_reads_about_32_steps_of_the_median_training_length():
    assert AUTO_STEM_STEPS == 32
    assert auto_stem_stride([10, 20, 30]) == 1
    assert auto_stem_stride([470] * 5) == 15
    assert auto_stem_stride([528] * 3) == 16  # round(16.5) == 16: the last 32-step stride
    X, y = make_bump_data(n_cases=20, n_timepoints=96)
    clf = BiLSTMMSAClassifier(**FAST, stem="conv").fit(X, y)
    assert clf.stem_stride_ == 3
    assert BiLSTMMSAClassifier(**FAST, stem="conv", stem_stride=5).fit(X, y).stem_stride_ == 5
    assert BiLSTMMSAClassifier(**FAST, stem=None).fit(X, y).stem_stride_ is None


def test_auto_stride_caps_windows_at_16_steps_and_the_bilstm_at_about_64_steps():
    # CV pass forty: long series keep windows of at most 16 steps ...
    assert (AUTO_STEM_MAX_STRIDE, AUTO_STEM_MAX_STEPS) == (16, 64)
    assert auto_stem_stride([560] * 3) == 16  # 35 steps, not round(560 / 32) = 18
    assert auto_stem_stride([720, 720]) == 16  # the appliance sets: 45 steps
    assert auto_stem_stride([1000]) == 16  # 63 steps
    # ... unless that gives more than about 64 steps: then round(L / 64).
    assert auto_stem_stride([1460]) == 23
    assert auto_stem_stride([100, 2500, 2500]) == 39  # the median, 2500 steps
    # max_stride=None: the rule before the cap (what CV pass forty compared it with).
    assert auto_stem_stride([100, 2500, 2500], max_stride=None) == 78
    assert auto_stem_stride([2500], steps=64, max_stride=None) == 39
    for length in range(1, 5000, 7):
        stride = auto_stem_stride([length])
        assert stride >= 1
        assert -(-length // stride) <= 66  # never much above 64 steps
        assert stride <= max(16, round(length / 64))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"stem": "lstm"}, "stem must be one of"),
        ({"stem": "Inception"}, "stem must be one of"),
        ({"stem": "inception", "stem_stride": 0}, "stem_stride must be a positive integer"),
        ({"stem": "conv", "stem_stride": 0}, "stem_stride must be a positive integer"),
        (
            {"stem": "conv", "stem_stride": "half"},
            "stem_stride must be a positive integer or 'auto'",
        ),
        ({"n_estimators": 0}, "n_estimators must be a positive integer"),
        ({"n_estimators": "Auto"}, "n_estimators must be a positive integer or 'auto'"),
        ({"n_estimators": 2.0}, "n_estimators must be a positive integer or 'auto'"),
        ({"stem": None, "stem_skip": True}, "stem_skip=True needs a front-end"),
        ({"stem": "conv", "stem_skip": "yes"}, "stem_skip must be True or False"),
    ],
)
def test_bad_front_end_or_ensemble_parameters_are_refused(bump_data, params, message):
    X, y = bump_data
    with pytest.raises(ValueError, match=message):
        BiLSTMMSAClassifier(**{**FAST, **params}).fit(X, y)


@pytest.mark.numerics
@pytest.mark.parametrize("stem", ["conv", "inception"])
def test_a_stemmed_classifier_keeps_the_estimator_contract(stem):
    X, y = make_bump_data(n_cases=40, n_timepoints=40)
    ragged = [x[:, : 5 + 3 * (i % 12)] for i, x in enumerate(X)]
    clf = BiLSTMMSAClassifier(**FAST, stem=stem, stem_stride=4).fit(ragged, y)
    full = clf.predict_proba(ragged)
    alone = np.vstack([clf.predict_proba([s]) for s in ragged[:6]])
    assert_float32_close(alone, full[:6])
    weights = clf.attention_weights(ragged[:4])
    assert [w.shape for w in weights] == [(3, s.shape[1]) for s in ragged[:4]]
    attributions = clf.feature_attributions(ragged[:4], method="gradient_x_input")
    assert [a.shape for a in attributions] == [s.shape for s in ragged[:4]]
    assert all(np.isfinite(a).all() for a in attributions)


@pytest.mark.parametrize("normalize", ["channel", "series"])
def test_the_inception_stem_fits_the_bump_data(normalize):
    X, y = make_bump_data(n_cases=40, n_timepoints=30)
    params = dict(FAST, max_epochs=30, lr=1e-2, validation_fraction=None)
    clf = BiLSTMMSAClassifier(**params, stem="inception", normalize=normalize).fit(X, y)
    assert clf.stem_stride_ == 1 and isinstance(clf.net_.module_.stem, InceptionStem)
    assert clf.score(X, y) == 1.0


# ------------------------------------------------------------ the ensemble


@pytest.fixture(scope="module")
def ensemble(bump_data):
    X, y = bump_data
    return BiLSTMMSAClassifier(**{**FAST, "n_estimators": 3}).fit(X, y)


def test_an_ensemble_is_one_module_whose_members_differ(ensemble):
    module = ensemble.net_.module_
    assert isinstance(module, SeedEnsemble) and len(module.members) == 3
    heads = [m.head.weight.detach() for m in module.members]
    assert not torch.allclose(heads[0], heads[1])


@pytest.mark.numerics
def test_ensemble_probabilities_are_the_mean_of_its_members(ensemble, bump_data):
    X, _ = bump_data
    from sklearn_bilstm_msa._data import check_collection

    data = check_collection(X).standardized(ensemble.channel_mean_, ensemble.channel_std_)
    x = torch.as_tensor(data.values)
    lengths = torch.as_tensor(data.lengths)
    with torch.no_grad():
        members = [torch.softmax(m(x, lengths), -1) for m in ensemble.net_.module_.members]
    assert_float32_close(ensemble.predict_proba(X), torch.stack(members).mean(0).numpy())
    weights = ensemble.attention_weights(X[:2])
    assert weights.shape == (2, 3, X.shape[2])  # one row per window size, as for one network
    own = ensemble.attention_weights(X[:2], members=True)
    assert own.shape == (2, ensemble.n_estimators_, 3, X.shape[2])
    np.testing.assert_allclose(weights, own.mean(axis=1))
    with torch.no_grad():
        first = ensemble.net_.module_.members[0].attention_weights(x[:2], lengths[:2])
    assert_float32_close(own[:, 0], first.numpy())


def test_each_member_learns_from_its_own_loss(bump_data):
    """Training on the stacked members' losses equals training each member alone: the
    gradient of the ensemble's loss w.r.t. one member is that member's own gradient."""
    module = SeedEnsemble(2, "proba", n_channels=2, n_outputs=2, hidden_size=4).train()
    x, lengths = torch.randn(5, 7, 2), torch.full((5,), 7)
    y = torch.tensor([0, 1, 0, 1, 1])
    from sklearn_bilstm_msa._training import MemberCrossEntropyLoss

    MemberCrossEntropyLoss()(module(x, lengths), y).backward()
    ensemble_grad = module.members[0].head.weight.grad.clone()
    module.zero_grad()
    torch.nn.CrossEntropyLoss()(module.members[0](x, lengths), y).backward()
    assert torch.allclose(ensemble_grad, module.members[0].head.weight.grad, atol=1e-6)


def test_an_ensemble_saves_to_one_weights_file(ensemble, bump_data, tmp_path):
    X, _ = bump_data
    ensemble.save_weights(tmp_path / "ensemble.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "ensemble.pt")
    np.testing.assert_array_equal(restored.predict_proba(X), ensemble.predict_proba(X))


def test_auto_n_estimators_is_five_networks_up_to_a_hundred_training_cases():
    assert AUTO_ENSEMBLE_SIZE == 5 and AUTO_ENSEMBLE_MAX_CASES == 100
    assert [auto_n_estimators(n) for n in (1, 40, 100, 101, 5000)] == [5, 5, 5, 1, 1]
    assert BiLSTMMSAClassifier().n_estimators == "auto"


@pytest.mark.parametrize("n_cases, members", [(100, 5), (101, 1)])
def test_auto_n_estimators_reads_the_training_set_size(n_cases, members):
    X, y = make_bump_data(n_cases=n_cases, n_channels=1, n_timepoints=12)
    params = dict(FAST, hidden_size=4, max_epochs=1, n_estimators="auto")
    clf = BiLSTMMSAClassifier(**params).fit(X, y)
    assert clf.n_estimators_ == members and clf.n_estimators == "auto"
    module = clf.net_.module_
    if members == 1:
        assert isinstance(module, BiLSTMMSANetwork)
    else:
        assert isinstance(module, SeedEnsemble) and len(module.members) == members
    # Cases of zero weight take no part in the fit, so they do not count either.
    weights = np.r_[np.ones(100), np.zeros(n_cases - 100)]
    weighted = BiLSTMMSAClassifier(**params).fit(X, y, sample_weight=weights)
    assert weighted.n_estimators_ == 5


def test_auto_n_estimators_survives_weights_files_and_warm_start(tmp_path):
    X, y = make_bump_data(n_cases=30, n_channels=1, n_timepoints=12)
    params = dict(FAST, hidden_size=4, max_epochs=1, n_estimators="auto", warm_start=True)
    clf = BiLSTMMSAClassifier(**params).fit(X, y)
    clf.save_weights(tmp_path / "auto.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "auto.pt")
    assert restored.n_estimators == "auto" and restored.n_estimators_ == 5
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # warm_start continues the fitted members even on more cases than the rule's bound.
    more_X, more_y = make_bump_data(n_cases=120, n_channels=1, n_timepoints=12)
    assert len(clf.fit(more_X, more_y).net_.module_.members) == 5


@pytest.mark.numerics
# Windows summed by a matrix product (3) and by a reshape (13; predictions are made without
# gradients), see MATMUL_POOL_MAX_STRIDE;
# window maxima; and the stem's summary beside the context (stem_skip).
@pytest.mark.parametrize(
    ("stride", "pool", "skip"),
    [(3, "mean", False), (13, "mean", False), (3, "mean+max", False), (13, "max", False)]
    + [(3, "mean", True), (13, "mean", True)],
)
def test_a_stemmed_ensemble_exports_to_one_onnx_graph(bump_data, tmp_path, stride, pool, skip):
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    from sklearn_bilstm_msa.onnx import OnnxPredictor

    X, y = bump_data
    ragged = [x[:, : 5 + i % 20] for i, x in enumerate(X)]
    clf = BiLSTMMSAClassifier(
        **{**FAST, "n_estimators": 2},
        stem="conv",
        stem_stride=stride,
        stem_pool=pool,
        stem_skip=skip,
    ).fit(ragged, y)
    onnx_model = OnnxPredictor(clf.export_onnx(tmp_path / "model.onnx"))
    for batch in (ragged, X[:1], X[:, :, :2]):
        np.testing.assert_allclose(
            onnx_model.predict_proba(batch), clf.predict_proba(batch), atol=1e-5
        )
    reg = BiLSTMMSARegressor(**{**FAST, "n_estimators": 2}, stem="conv").fit(X, X[:, 0].mean(1))
    onnx_reg = OnnxPredictor(reg.export_onnx(tmp_path / "reg.onnx"))
    assert_float32_close(onnx_reg.predict(ragged), reg.predict(ragged))


# ----------------------------------------------------- failure to learn


def test_a_fit_that_learns_nothing_warns_and_names_what_to_try():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1, 20))
    y = rng.integers(0, 2, 40)  # labels unrelated to X
    clf = BiLSTMMSAClassifier(**{**FAST, "max_epochs": 1}, lr=1e-6, stem=None)
    with pytest.warns(ConvergenceWarning, match=r"did not fit its training data.*stem='conv'"):
        clf.fit(X, y)
    with pytest.warns(ConvergenceWarning, match="context='normalized', another lr") as caught:
        clf.set_params(stem="conv").fit(X, y)
    assert "stem=" not in str(caught[0].message)  # the front-end is already on
    reg = BiLSTMMSARegressor(**{**FAST, "max_epochs": 1}, lr=1e-6)
    with pytest.warns(ConvergenceWarning, match="constant prediction"):
        reg.fit(X, rng.normal(size=40))


def test_a_loss_worse_than_a_constant_is_called_divergence(bump_data, monkeypatch):
    """A final loss fifteen times the constant prediction's is not "close to" it
    (issue 37): the warning says training diverged and offers a smaller lr first."""
    X, y = bump_data
    monkeypatch.setattr(
        BiLSTMMSAClassifier, "_training_fit", lambda self, data, y_net, w: (10.6226, 0.6931)
    )
    real_curves = BiLSTMMSAClassifier._set_training_curves

    def rising(self, use_validation):
        real_curves(self, use_validation)
        self.loss_curve_ = [0.69, 0.41, 10.6]  # the training loss rose: it diverged

    monkeypatch.setattr(BiLSTMMSAClassifier, "_set_training_curves", rising)
    with pytest.warns(ConvergenceWarning) as caught:
        BiLSTMMSAClassifier(**{**FAST, "max_epochs": 1}).fit(X, y)
    message = str(caught[0].message)
    assert "training loss of 10.6226, 15.3 times the 0.6931 of a constant prediction" in message
    assert "training diverged (its training loss rose from 0.4100 to 10.6000)" in message
    assert "worse than a constant would" in message
    assert "Try a smaller lr or context='normalized'." in message
    assert "close to" not in message and "more max_epochs" not in message
    # A network that never trained (a flat curve) above a constant's loss: not divergence.
    monkeypatch.setattr(BiLSTMMSAClassifier, "_set_training_curves", real_curves)
    with pytest.warns(ConvergenceWarning) as caught:
        BiLSTMMSAClassifier(**{**FAST, "max_epochs": 1}, lr=1e-9).fit(X, y)
    message = str(caught[0].message)
    assert "15.3 times the 0.6931 of a constant prediction: the network predicts" in message
    assert "diverged" not in message and "another lr" in message


def test_a_loss_that_is_not_a_number_is_called_divergence(bump_data, monkeypatch):
    X, y = bump_data
    monkeypatch.setattr(
        BiLSTMMSAClassifier, "_training_fit", lambda self, data, y_net, w: (np.nan, 0.6931)
    )
    with pytest.warns(ConvergenceWarning, match=r"training loss of nan, not a number: training"):
        BiLSTMMSAClassifier(**{**FAST, "max_epochs": 1}).fit(X, y)


def test_a_fit_that_learns_does_not_warn(bump_data):
    X, y = bump_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        BiLSTMMSAClassifier(**{**FAST, "max_epochs": 20}, lr=1e-2).fit(X, y)


# ------------------------------------------------- standardising each step


def test_step_standardisation_uses_each_steps_training_statistics():
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step").fit(X, y)
    assert clf.normalize_ == "step" and clf.channel_mean_.shape == (30, 1)
    # The statistics come from the float32 copy of the series.
    np.testing.assert_allclose(clf.channel_mean_[:, 0], X[:, 0].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(clf.channel_std_[:, 0], X[:, 0].std(axis=0), rtol=1e-5)


def test_auto_standardises_steps_only_for_series_that_share_a_shape(bump_data):
    X, y = make_shared_shape_data()
    # The classifier reads such series per step and per channel (issue 18); the
    # regressor keeps the per-step standardisation alone.
    assert BiLSTMMSAClassifier(**FAST, normalize="auto").fit(X, y).normalize_ == "step+channel"
    assert BiLSTMMSARegressor(**FAST, normalize="auto").fit(X, y).normalize_ == "step"
    Xb, yb = bump_data
    assert BiLSTMMSAClassifier(**FAST, normalize="auto").fit(Xb, yb).normalize_ == "channel"
    ragged = [x[:, : 10 + i % 5] for i, x in enumerate(X)]
    assert BiLSTMMSAClassifier(**FAST, normalize="auto").fit(ragged, y).normalize_ == "channel"


def test_step_standardisation_fits_what_a_channel_scaling_hides():
    """The bump is 2% of the shared shape's spread: a per-channel scaling keeps it
    tiny, a per-step one makes it the largest signal in the series."""
    X, y = make_shared_shape_data(n_cases=60)
    params = dict(FAST, max_epochs=30, lr=1e-2, stem="conv")
    step = BiLSTMMSAClassifier(**params, normalize="step").fit(X, y)
    assert step.score(X, y) >= 0.9


def test_a_step_standardised_model_refuses_other_lengths_and_says_why(tmp_path):
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step").fit(X, y)
    with pytest.raises(ValueError, match=r"predicts series of 30 steps only.*normalize='channel'"):
        clf.predict(X[:, :, :20])
    with pytest.raises(ValueError, match="needs training series of equal length"):
        BiLSTMMSAClassifier(**FAST, normalize="step").fit(
            [x[:, : 10 + i] for i, x in enumerate(X[:10])], y[:10]
        )
    with pytest.raises(ValueError, match="normalize must be one of"):
        BiLSTMMSAClassifier(**FAST, normalize="minmax").fit(X, y)
    clf.save_weights(tmp_path / "step.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "step.pt")
    assert restored.normalize_ == "step"
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.numerics
def test_a_step_standardised_model_exports_to_onnx(tmp_path):
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    from sklearn_bilstm_msa.onnx import OnnxPredictor

    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step", stem="conv").fit(X, y)
    onnx_model = OnnxPredictor(clf.export_onnx(tmp_path / "step.onnx"))
    assert_float32_close(onnx_model.predict_proba(X), clf.predict_proba(X))


# ------------------------------------------------ standardising each series


def test_series_standardisation_uses_each_series_own_real_steps():
    rng = np.random.default_rng(0)
    series = [rng.normal(3.0, 2.0, size=(2, n)) for n in (9, 4, 1)]
    series[1][1] = 7.5  # a constant channel
    data = check_collection(series).series_standardized()
    for i, s in enumerate(series):
        n = s.shape[1]
        std = s.std(1, keepdims=True)
        expected = (s - s.mean(1, keepdims=True)) / np.where(std > 0, std, 1.0)
        np.testing.assert_allclose(data.values[i, :n].T, expected, rtol=1e-5, atol=1e-6)
        assert (data.values[i, n:] == 0).all()
    assert (data.values[1, :4, 1] == 0).all() and (data.values[2, 0] == 0).all()


def test_series_standardisation_makes_predictions_invariant_to_scale_and_shift(tmp_path):
    X, y = make_bump_data(n_cases=40, n_timepoints=30)
    X = X.astype(np.float32).astype(np.float64)
    clf = BiLSTMMSAClassifier(**FAST, stem="inception", normalize="series").fit(X, y)
    assert clf.normalize_ == "series"
    assert (clf.channel_mean_ == 0).all() and (clf.channel_std_ == 1).all()
    rng = np.random.default_rng(1)
    a = rng.uniform(0.5, 4.0, size=(40, 2, 1))  # each series and channel its own
    b = rng.uniform(-5.0, 5.0, size=(40, 2, 1))
    proba = clf.predict_proba(X)
    assert_float32_close(clf.predict_proba(a * X + b), proba)
    ragged = [x[:, : 3 + i % 25] for i, x in enumerate(X)]
    moved = [ai * x + bi for ai, bi, x in zip(a, b, ragged, strict=True)]
    assert_float32_close(clf.predict_proba(moved), clf.predict_proba(ragged))
    clf.save_weights(tmp_path / "series.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "series.pt")
    assert restored.normalize_ == "series"
    np.testing.assert_array_equal(restored.predict_proba(X), proba)


def test_shared_shape_compares_the_spread_between_series_with_a_share_of_the_channels():
    # Each series is a sine (channel spread sqrt(1/2)) plus noise of spread 0.5: the
    # spread between series is about 0.5 / sqrt(0.75) = 0.58 of the channel's.
    rng = np.random.default_rng(0)
    t = np.linspace(0, 4 * np.pi, 200)
    X = np.sin(t)[None, None, :] + 0.5 * rng.standard_normal((60, 1, 200))
    collection = check_collection(X)
    assert not shared_shape(collection)  # AUTO_STEP_SHARE, 0.5
    assert shared_shape(collection, share=0.7)
    assert not shared_shape(collection, share=0.55)
