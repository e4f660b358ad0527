"""The network's fixed input views (issue 18): the per-step view beside the per-channel
one (``normalize="step+channel"``) and the first difference (``difference=True``)."""

import numpy as np
import pytest
import torch

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor
from sklearn_bilstm_msa._network import BiLSTMMSANetwork
from sklearn_bilstm_msa._views import InputViews

from .conftest import FAST, assert_float32_close, make_shared_shape_data

# ------------------------------------------------------------------ the module


def test_views_stack_the_series_its_step_view_its_difference_and_the_rest():
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.normal(size=(3, 6, 3)), dtype=torch.float32)  # 2 values + 1 extra
    lengths = torch.tensor([6, 4, 1])
    shift, scale = rng.normal(size=(6, 2)), rng.uniform(0.5, 2.0, size=(6, 2))
    d = np.array([0.5, 2.0])
    views = InputViews(3, shift, scale, d)
    assert views.output_size == 3 * 2 + 1
    out = views(x, lengths).numpy()
    xv = x.numpy()
    for i, n in enumerate(lengths.tolist()):
        values = xv[i, :n, :2]
        change = np.vstack([np.zeros((1, 2)), np.diff(values, axis=0)]) / d
        expected = np.hstack([values, (values - shift[:n]) / scale[:n], change, xv[i, :n, 2:]])
        np.testing.assert_allclose(out[i, :n], expected, rtol=1e-6, atol=1e-6)
        # Padded steps: zero in every derived view (the series and the rest pass as given).
        np.testing.assert_array_equal(out[i, n:, 2:6], 0.0)


def test_a_network_with_views_ignores_what_pads_its_series():
    torch.manual_seed(0)
    net = BiLSTMMSANetwork(
        2, 3, hidden_size=4, stem_stride=2, difference_scale=np.array([1.5, 0.5])
    ).eval()
    x = torch.randn(1, 9, 2)
    padded = torch.cat([x, torch.full((1, 4, 2), 7.0)], dim=1)
    with torch.no_grad():
        short = net(x, torch.tensor([9]))
        long = net(padded, torch.tensor([9]))
    torch.testing.assert_close(short, long, rtol=1e-5, atol=1e-6)


def test_without_views_the_network_is_the_one_before_them():
    net = BiLSTMMSANetwork(2, 3, hidden_size=4, stem_stride=2)
    assert net.views is None
    assert not any(name.startswith("views") for name in net.state_dict())


# --------------------------------------------------------------- the estimator


def test_step_and_channel_keep_both_statistics_and_the_net_reads_both():
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step+channel", difference=False).fit(X, y)
    assert clf.normalize_ == "step+channel"
    np.testing.assert_allclose(clf.channel_mean_, [X.mean()], rtol=1e-5)
    np.testing.assert_allclose(clf.step_mean_[:, 0], X[:, 0].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(clf.step_std_[:, 0], X[:, 0].std(axis=0), rtol=1e-5)
    views = clf.net_.module_.views
    assert views.output_size == 2 and views.difference_scale is None
    # The per-step view of the channel-standardised input is the per-step standardisation.
    z = torch.tensor((X.transpose(0, 2, 1) - clf.channel_mean_) / clf.channel_std_).float()
    step_view = views(z, torch.full((len(X),), 30))[..., 1].numpy()
    expected = (X[:, 0] - clf.step_mean_[:, 0]) / clf.step_std_[:, 0]
    np.testing.assert_allclose(step_view, expected, rtol=1e-4, atol=1e-4)
    # Predicting and attributions stay on the series' own channel.
    assert clf.feature_attributions(X[:2]).shape == (2, 1, 30)
    assert clf.attention_weights(X[:2]).shape == (2, 3, 30)


def test_the_difference_scale_is_the_training_spread_of_the_standardised_changes():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 2, 15)).cumsum(axis=2)
    y = np.arange(20) % 2
    clf = BiLSTMMSAClassifier(**FAST, normalize="channel", difference=True).fit(X, y)
    z = (X - clf.channel_mean_[None, :, None]) / clf.channel_std_[None, :, None]
    np.testing.assert_allclose(
        clf.difference_scale_, np.diff(z, axis=2).std(axis=(0, 2)), rtol=1e-5
    )
    assert clf.net_.module_.views.output_size == 4
    ragged = [x[:, : 8 + i % 7] for i, x in enumerate(X)]
    clf.fit(ragged, y)  # unequal lengths: the difference over each series' real steps
    changes = np.concatenate(
        [np.diff((x - clf.channel_mean_[:, None]) / clf.channel_std_[:, None]) for x in ragged],
        axis=1,
    )
    np.testing.assert_allclose(clf.difference_scale_, changes.std(axis=1), rtol=1e-5)
    assert clf.predict([x[:, :5] for x in X[:3]]).shape == (3,)  # any length at predict


def test_defaults_read_shared_shapes_both_ways_and_every_series_with_its_difference():
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST).fit(X, y)
    assert clf.normalize_ == "step+channel" and clf.difference_scale_.shape == (1,)
    assert clf.net_.module_.views.output_size == 3
    # The regressor keeps its recipe: no difference, per-step standardisation alone.
    reg = BiLSTMMSARegressor(**FAST).fit(X, y.astype(float))
    assert reg.normalize_ == "step" and reg.difference_scale_ is None
    assert reg.net_.module_.views is None


def test_mixed_members_read_both_views_and_the_channel_view_in_turn(tmp_path):
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**{**FAST, "n_estimators": 3, "normalize": "mixed"}).fit(X, y)
    assert clf.normalize_ == "mixed"
    # Series, its per-step view and its difference; then series and difference alone.
    assert [m.views.output_size for m in clf.net_.module_.members] == [3, 2, 3]
    clf.save_weights(tmp_path / "mixed.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "mixed.pt")
    assert [m.views.output_size for m in restored.net_.module_.members] == [3, 2, 3]
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # A single network is the "step+channel" one.
    one = BiLSTMMSAClassifier(**FAST, normalize="mixed").fit(X, y)
    both = BiLSTMMSAClassifier(**FAST, normalize="step+channel").fit(X, y)
    np.testing.assert_array_equal(one.predict_proba(X), both.predict_proba(X))
    with pytest.raises(ValueError, match="normalize='mixed' standardises each time step"):
        BiLSTMMSAClassifier(**FAST, normalize="mixed").fit(
            [x[:, : 20 + i % 3] for i, x in enumerate(X)], y
        )


def test_a_step_and_channel_model_refuses_other_lengths_and_unequal_training_series():
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step+channel").fit(X, y)
    with pytest.raises(ValueError, match=r"normalize_='step\+channel'.*30 steps only"):
        clf.predict(X[:, :, :20])
    with pytest.raises(ValueError, match=r"normalize='step\+channel'.*equal length"):
        BiLSTMMSAClassifier(**FAST, normalize="step+channel").fit(
            [x[:, : 10 + i] for i, x in enumerate(X[:10])], y[:10]
        )
    with pytest.raises(ValueError, match="difference must be True or False"):
        BiLSTMMSAClassifier(**FAST, difference="yes").fit(X, y)


def test_a_refit_in_another_mode_drops_the_step_statistics():
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step+channel").fit(X, y)
    clf.set_params(normalize="channel").fit(X, y)
    assert not hasattr(clf, "step_mean_")
    assert clf.predict(X[:, :, :20]).shape == (len(X),)


def test_the_missing_value_indicators_pass_the_views_unchanged():
    X, y = make_shared_shape_data()
    X[:5, 0, 3:6] = np.nan
    clf = BiLSTMMSAClassifier(**FAST, missing_indicator=True).fit(X, y)
    # One value channel in three views, then its indicator.
    assert clf.net_.module_.views.output_size == 3 + 1
    assert clf.feature_attributions(X[:2]).shape == (2, 1, 30)


def test_views_survive_a_weights_file(tmp_path):
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST).fit(X, y)
    clf.save_weights(tmp_path / "views.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "views.pt")
    assert restored.normalize_ == "step+channel" and restored.difference
    np.testing.assert_array_equal(restored.step_mean_, clf.step_mean_)
    np.testing.assert_array_equal(restored.difference_scale_, clf.difference_scale_)
    assert_float32_close(restored.predict_proba(X), clf.predict_proba(X))


def test_a_file_from_before_the_views_loads_without_them(tmp_path):
    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**FAST, normalize="step", difference=False).fit(X, y)
    clf.save_weights(tmp_path / "old.pt")
    payload = torch.load(tmp_path / "old.pt", weights_only=True)
    # A file written before issue 18 has neither the parameter nor the statistics.
    del payload["params"]["difference"], payload["difference_scale"]
    del payload["step_mean"], payload["step_std"]
    torch.save(payload, tmp_path / "old.pt")
    restored = BiLSTMMSAClassifier.load_weights(tmp_path / "old.pt")
    assert restored.difference is False and restored.net_.module_.views is None
    assert_float32_close(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.numerics
def test_views_export_to_onnx(tmp_path):
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    from sklearn_bilstm_msa.onnx import OnnxPredictor

    X, y = make_shared_shape_data()
    clf = BiLSTMMSAClassifier(**{**FAST, "n_estimators": 2}).fit(X, y)
    onnx_model = OnnxPredictor(clf.export_onnx(tmp_path / "views.onnx"))
    assert_float32_close(onnx_model.predict_proba(X), clf.predict_proba(X))
    ragged = [x[:, : 8 + i % 7] for i, x in enumerate(X)]
    unequal = BiLSTMMSAClassifier(**FAST).fit(ragged, y)  # the difference view only
    onnx_unequal = OnnxPredictor(unequal.export_onnx(tmp_path / "diff.onnx"))
    assert_float32_close(onnx_unequal.predict_proba(ragged), unequal.predict_proba(ragged))


# ------------------------------------------------- the front-end alone (num_layers=0)


def test_without_an_lstm_the_attention_pools_the_front_ends_features(bump_data):
    X, y = bump_data
    clf = BiLSTMMSAClassifier(**FAST, num_layers=0, stem_stride=3).fit(X, y)
    module = clf.net_.module_
    assert module.encoder.lstm is None
    assert not any("lstm" in name for name in module.state_dict())
    # The attention scores the stem's features: hidden_size undilated and hidden_size
    # dilated filters with the default stem="dilated+conv".
    assert module.attention.score.in_features == module.stem.output_size == 2 * FAST["hidden_size"]
    assert clf.attention_weights(X[:2]).shape == (2, 3, X.shape[2])
    torch.manual_seed(0)
    net = BiLSTMMSANetwork(2, 3, hidden_size=4, num_layers=0, stem_stride=2).eval()
    x = torch.randn(1, 9, 2)
    padded = torch.cat([x, torch.full((1, 4, 2), 7.0)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(
            net(x, torch.tensor([9])), net(padded, torch.tensor([9])), rtol=1e-5, atol=1e-6
        )
    with pytest.raises(ValueError, match="num_layers must be a positive integer"):
        BiLSTMMSAClassifier(**FAST, num_layers=-1).fit(X, y)


@pytest.mark.numerics
def test_the_front_end_alone_exports_to_onnx(bump_data, tmp_path):
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    from sklearn_bilstm_msa.onnx import OnnxPredictor

    X, y = bump_data
    ragged = [x[:, : 5 + i % 20] for i, x in enumerate(X)]
    clf = BiLSTMMSAClassifier(**FAST, num_layers=0, window_sizes=()).fit(ragged, y)
    onnx_model = OnnxPredictor(clf.export_onnx(tmp_path / "front.onnx"))
    assert_float32_close(onnx_model.predict_proba(ragged), clf.predict_proba(ragged))
