"""How much a prediction depends on the rest of its batch (issue 12).

Float32 matrix products on the CPU (oneDNN/MKL) choose their kernels by the shape
of the product, so a row's result can depend on how many rows share the product:
its last bits move when the same series is predicted alone or inside a batch.
This script measures that dependence, op by op and for both estimators:

- ``linear``: ``nn.Linear`` (the attention scorer and the head are such layers)
  on ``m`` rows against the same rows inside 64;
- ``lstm``: the packed (Bi)LSTM encoder on batches of ``m`` against one of 64;
- ``classifier`` / ``regressor``: ``predict_proba`` / ``predict`` of each test
  case alone, and in batches of 5, against one call on the whole test split
  (JapaneseVowels, unequal lengths; Covid3Month), default models, 20 epochs;
- the same in float64 (the module cast with ``.double()``), for scale, and the
  cost of float64 prediction against float32.

Run it as it is and under another instruction set to see the CPU's part::

    python benchmarks/batch_dependence.py
    ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 python benchmarks/batch_dependence.py

Prints ``max_abs`` and ``max_rel`` (relative to ``max(|value|, 1e-3)``) per line.
Not part of the test suite; the tests assert the bound (``tests/test_batch_invariance.py``).
"""

import copy
import time

import numpy as np
import torch
from aeon.datasets import load_classification, load_covid_3month
from skorch.dataset import unpack_data
from torch import nn

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSARegressor
from sklearn_bilstm_msa._network import BiLSTMEncoder


def differences(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    diff = np.abs(a - b)
    return diff.max(), (diff / np.maximum(np.abs(b), 1e-3)).max()


def report(name, a, b):
    max_abs, max_rel = differences(a, b)
    print(f"{name:<48} max_abs {max_abs:.3e}  max_rel {max_rel:.3e}")


def ops(dtype):
    torch.manual_seed(0)
    n, hidden, channels, steps = 64, 64, 6, 50
    x = torch.randn(n, 2 * hidden, dtype=dtype)
    linear = nn.Linear(2 * hidden, 4 * hidden).to(dtype)
    encoder = BiLSTMEncoder(channels, hidden).to(dtype)
    series = torch.randn(n, steps, channels, dtype=dtype)
    lengths = torch.randint(steps // 2, steps + 1, (n,))
    tag = str(dtype).replace("torch.", "")
    with torch.no_grad():
        full = linear(x)
        for m in (1, 3, 5, 33):
            part = torch.cat([linear(x[i : i + m]) for i in range(0, n, m)])
            report(f"{tag} linear {m} rows vs 64", part, full)
        full = encoder(series, lengths)
        for m in (1, 5):
            part = torch.cat(
                [encoder(series[i : i + m], lengths[i : i + m])[:, :steps] for i in range(0, n, m)]
            )
            report(f"{tag} packed BiLSTM batch {m} vs 64", part, full)


def by_subsets(method, X, size):
    return np.concatenate([method(X[i : i + size]) for i in range(0, len(X), size)])


def estimators():
    X, y = load_classification("JapaneseVowels", split="train")
    X_test, _ = load_classification("JapaneseVowels", split="test")
    clf = BiLSTMMSAClassifier(max_epochs=20, device="cpu", random_state=0).fit(X, y)
    full = clf.predict_proba(X_test)
    for size in (1, 5):
        report(
            f"classifier predict_proba batch {size} vs all",
            by_subsets(clf.predict_proba, X_test, size),
            full,
        )

    Xr, yr = load_covid_3month(split="train")
    Xr_test, _ = load_covid_3month(split="test")
    reg = BiLSTMMSARegressor(max_epochs=20, device="cpu", random_state=0).fit(Xr, yr)
    full = reg.predict(Xr_test)
    for size in (1, 5):
        report(
            f"regressor predict batch {size} vs all", by_subsets(reg.predict, Xr_test, size), full
        )
    return clf, X_test


def float64_cost(clf, X_test, repeats=5):
    """Seconds of prediction with the fitted float32 module and a float64 copy."""
    from sklearn_bilstm_msa._data import check_collection

    data = check_collection(X_test).standardized(clf.channel_mean_, clf.channel_std_)
    net = clf.net_
    dataset = net.get_dataset(data.as_net_input())

    def run(module, dtype):
        with torch.no_grad():
            for batch in net.get_iterator(dataset, training=False):
                Xi, _ = unpack_data(batch)
                module(Xi["x"].to(dtype), Xi["lengths"])

    best = {}
    for name in ("float32", "float64"):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            module = net.module_ if name == "float32" else copy.deepcopy(net.module_).double()
            run(module, getattr(torch, name))
            times.append(time.perf_counter() - start)
        best[name] = min(times)
    print(
        f"prediction seconds float32 {best['float32']:.4f}  float64 {best['float64']:.4f}  "
        f"ratio {best['float64'] / best['float32']:.2f}"
    )


def main():
    torch.set_num_threads(1)
    ops(torch.float32)
    ops(torch.float64)
    clf, X_test = estimators()
    float64_cost(clf, X_test)


if __name__ == "__main__":
    main()
