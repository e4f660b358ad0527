"""ONNX export: the exported file computes what the torch model computes."""

import numpy as np
import pytest

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor

from .conftest import FAST, make_bump_data

pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")

from sklearn_bilstm_msa.onnx import OnnxPredictor  # noqa: E402

pytestmark = pytest.mark.numerics


def _ragged(X, seed=0):
    """Unequal-length series, including a one-step series."""
    rng = np.random.default_rng(seed)
    series = [x[:, : rng.integers(2, x.shape[1] + 1)] for x in X]
    series[0] = X[0][:, :1]
    return series


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"num_layers": 2, "window_sizes": (3, "global"), "context": "normalized"},
        {"bidirectional": False, "window_sizes": ()},
        {"stem": "inception", "stem_stride": 3},
        {"stem": "dilated", "stem_stride": 2},
        {"normalize": "series"},
        {"stem": "inception", "stem_stride": 1, "normalize": "series", "n_estimators": 2},
    ],
    ids=[
        "defaults",
        "two-layers-global-normalized",
        "lstm-mean-pool",
        "inception-stem",
        "dilated-stem",
        "series-standardised",
        "inception-series-ensemble",
    ],
)
def test_exported_classifier_matches_torch(params, tmp_path):
    X, y = make_bump_data(n_cases=40, n_timepoints=20)
    labels = np.array(["neg", "pos"])[y]
    clf = BiLSTMMSAClassifier(**{**FAST, **params}).fit(_ragged(X), labels)
    path = clf.export_onnx(tmp_path / "model.onnx")
    onnx_model = OnnxPredictor(path)
    for batch in (_ragged(X, seed=1), X[:1], X[:, :, :7]):  # any batch size and length
        np.testing.assert_allclose(
            onnx_model.predict_proba(batch), clf.predict_proba(batch), atol=1e-5
        )
        np.testing.assert_array_equal(onnx_model.predict(batch), clf.predict(batch))
    assert list(onnx_model.classes_) == ["neg", "pos"]


def test_exported_regressor_returns_unscaled_targets(tmp_path):
    X, _ = make_bump_data(n_cases=40, n_timepoints=16)
    y = 1000.0 + 50.0 * X.mean(axis=(1, 2))
    reg = BiLSTMMSARegressor(**FAST).fit(X, y)
    onnx_model = OnnxPredictor(reg.export_onnx(tmp_path / "reg.onnx"))
    np.testing.assert_allclose(onnx_model.predict(X), reg.predict(X), rtol=1e-5)
    assert onnx_model.predict(X).shape == (40,)
    with pytest.raises(AttributeError, match="only available for an exported classifier"):
        onnx_model.predict_proba(X)


def test_onnx_predictor_checks_its_input(fitted, tmp_path):
    onnx_model = OnnxPredictor(fitted.export_onnx(tmp_path / "m.onnx"))
    with pytest.raises(ValueError, match="X has 3 channels but the exported model takes 2"):
        onnx_model.predict(np.zeros((2, 3, 10)))
    with pytest.raises(ValueError, match="NaN"):
        onnx_model.predict(np.full((2, 2, 10), np.nan))


def test_export_needs_a_fitted_estimator(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        BiLSTMMSAClassifier().export_onnx(tmp_path / "m.onnx")


def test_a_file_from_elsewhere_is_refused(tmp_path):
    import onnx

    path = tmp_path / "other.onnx"
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("Identity", ["a"], ["b"])],
        "g",
        [onnx.helper.make_tensor_value_info("a", onnx.TensorProto.FLOAT, [1])],
        [onnx.helper.make_tensor_value_info("b", onnx.TensorProto.FLOAT, [1])],
    )
    model = onnx.helper.make_model(
        graph, ir_version=9, opset_imports=[onnx.helper.make_opsetid("", 18)]
    )
    onnx.save(model, path)
    with pytest.raises(ValueError, match="was not written by sklearn_bilstm_msa"):
        OnnxPredictor(path)


def test_exported_series_standardisation_matches_in_float32(tmp_path):
    """Large offsets, constant series and garbage padding: the graph standardises each
    series in float32 as predict does in float64."""
    X, y = make_bump_data(n_cases=40, n_timepoints=24)
    X = X + 1000.0 * np.arange(40)[:, None, None]  # offsets far above the spread
    X[0] = 7.25  # constant series
    X[1, 0] = -3.0  # one constant channel
    clf = BiLSTMMSAClassifier(**FAST, stem="inception", normalize="series").fit(X, y)
    onnx_model = OnnxPredictor(clf.export_onnx(tmp_path / "series.onnx"))
    ragged = _ragged(X, seed=2)
    for batch in (X, ragged):
        np.testing.assert_allclose(
            onnx_model.predict_proba(batch), clf.predict_proba(batch), atol=1e-5
        )
    # The file takes any finite padding value.
    x = np.full((2, 2, 30), 1e6, dtype=np.float32)
    x[0, :, :24], x[1, :, :9] = X[2], X[3, :, :9]
    (proba,) = onnx_model.session.run(None, {"x": x, "lengths": np.array([24, 9])})
    np.testing.assert_allclose(proba, clf.predict_proba([X[2], X[3, :, :9]]), atol=1e-5)
