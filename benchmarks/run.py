"""Speed benchmarks: ratios measured in one process, with interleaved repetitions.

Prints one line ``ratio NAME VALUE`` per ratio (the median over repetitions), with
the absolute figures behind it on the lines before. Goals (issue 5):

    fit_vs_raw_torch       <= 1.05   BiLSTMMSAClassifier.fit / a hand-written torch loop
                                     over the same network (the default, stem="conv")
    msa_vs_bilstm_step     <= 1.10   one train step with 3 attention scales / mean pooling
    onnx_vs_torch_predict  >= 1.5    ONNX Runtime prediction throughput / torch eager
    scaling_n, scaling_t   <= 1.05   log-log slope of fit time vs n_cases / n_timepoints

Each fit ratio and slope has a ``_paper`` line too: the same measurement for the paper's
model (``stem=None, normalize="channel", difference=False``). The default model's stem
shortens every series to about 32 steps before the BiLSTM, so its ``scaling_t`` is well below 1 by
design; ``scaling_t_paper`` is the BiLSTM's own slope.

And, for information, ``onnx_vs_torch_predict_batch16`` (small-batch latency) and
``bucketed_vs_random_batches_fit`` (unequal lengths from 20 steps: fit time with
``bucket_by_length=True`` / ``False``).

Everything runs on the CPU with one thread (torch and ONNX Runtime), so that the
ratios compare code paths rather than thread pools. Not part of the test suite.

    python benchmarks/run.py [--quick] [--device cuda]
"""

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from sklearn_bilstm_msa import BiLSTMMSAClassifier, BiLSTMMSANetwork

#: The models measured: the estimator's defaults, and the paper's model.
MODELS = {"": {}, "_paper": {"stem": None, "normalize": "channel", "difference": False}}


def make_data(n_cases, n_timepoints, n_channels=5, n_classes=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_cases, n_channels, n_timepoints)).astype(np.float32)
    y = rng.integers(0, n_classes, n_cases)
    X[np.arange(n_cases), 0, :] += y[:, None] * 0.5  # some signal
    return X, y


def interleaved(functions, repeats):
    """Run each function ``repeats`` times, alternating the order; return seconds.

    Each function runs once untimed first: the first fit in a process pays for
    one-off set-up (lazy imports, oneDNN kernel selection), up to twice a fit's time.
    """
    times = {name: [] for name in functions}
    names = list(functions)
    for name in names:
        functions[name]()
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            functions[name]()
            times[name].append(time.perf_counter() - start)
    return times


def median_ratio(times, top, bottom):
    return statistics.median(a / b for a, b in zip(times[top], times[bottom], strict=True))


def report(name, value, **absolute):
    for key, seconds in absolute.items():
        print(f"  {name}: {key} = {seconds * 1000:.1f} ms (median)")
    print(f"ratio {name} {value:.3f}", flush=True)


def report_pair(name, times, top, bottom):
    """Print both medians, then the median ratio ``top / bottom``."""
    medians = {key: statistics.median(times[key]) for key in (top, bottom)}
    report(name, median_ratio(times, top, bottom), **medians)


# ------------------------------------------------------------------ fit vs raw torch


def ours(epochs, device, **extra):
    return BiLSTMMSAClassifier(
        max_epochs=epochs,
        validation_fraction=None,
        batch_size=32,
        n_jobs=1,
        random_state=0,
        device=device,
        **extra,
    )


def network_params(X, y, device, **extra):
    """The ``BiLSTMMSANetwork`` parameters the estimator builds for ``X`` (its stem stride
    included), from an untimed one-epoch fit."""
    clf = ours(1, device, **extra).fit(X, y)
    assert clf.normalize_ == "channel", "raw_torch_fit standardises channels only"
    assert isinstance(clf.net_.module_, BiLSTMMSANetwork)
    return clf.net_.get_params_for("module")


def raw_torch_fit(
    X, y, epochs, device, params, batch_size=32, lr=5e-3, weight_decay=1e-4, clip=1.0
):
    """The same network (``params`` from :func:`network_params`), data, batch size and
    training recipe as the estimator's defaults (AdamW, cosine schedule, label smoothing
    0.1, clipping), by hand."""
    torch.manual_seed(0)
    x = torch.as_tensor(X.transpose(0, 2, 1).copy(), device=device)
    mean, std = x.mean(dim=(0, 1)), x.std(dim=(0, 1))
    x = (x - mean) / std  # (N, T, C), time-major as the estimator feeds it
    target = torch.as_tensor(y, device=device)
    lengths = torch.full((len(X),), X.shape[2], dtype=torch.int64)
    module = BiLSTMMSANetwork(**params).to(device)
    optimizer = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    module.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(X), device=device).split(batch_size):
            optimizer.zero_grad()
            loss = loss_fn(module(x[batch], lengths[batch.cpu()]), target[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), clip)
            optimizer.step()
        schedule.step()
    return module


def bench_fit_vs_raw(quick, device):
    # Sizes where the per-epoch work dominates the fixed cost of one fit (~10 ms).
    X, y = make_data(512, 100)
    epochs, repeats = (3, 3) if quick else (5, 7)
    for suffix, extra in MODELS.items():
        params = network_params(X, y, device, **extra)
        times = interleaved(
            {
                "fit_ours": lambda e=extra: ours(epochs, device, **e).fit(X, y),
                "fit_raw_torch": lambda p=params: raw_torch_fit(X, y, epochs, device, p),
            },
            repeats,
        )
        report_pair(f"fit_vs_raw_torch{suffix}", times, "fit_ours", "fit_raw_torch")


# ----------------------------------------------------------- attention step overhead


def bench_msa_step(quick, device):
    torch.manual_seed(0)
    x = torch.randn(64, 150, 5, device=device)
    lengths = torch.full((64,), 150, dtype=torch.int64, device=device)
    target = torch.randint(0, 4, (64,), device=device)
    loss_fn = torch.nn.CrossEntropyLoss()
    nets = {
        "step_msa": BiLSTMMSANetwork(5, 4, window_sizes=(3, 7, 15)).to(device),
        "step_mean_pool": BiLSTMMSANetwork(5, 4, window_sizes=()).to(device),
    }

    def step(net):
        def run():
            net.zero_grad()
            loss_fn(net(x, lengths), target).backward()
            if device != "cpu":
                torch.cuda.synchronize()

        return run

    times = interleaved({k: step(v) for k, v in nets.items()}, 7 if quick else 21)
    report_pair("msa_vs_bilstm_step", times, "step_msa", "step_mean_pool")


# ------------------------------------------------------------------ ONNX vs torch


def bench_onnx(quick, device):
    try:
        from sklearn_bilstm_msa.onnx import OnnxPredictor
    except ImportError:
        print("ratio onnx_vs_torch_predict nan  # the onnx extra is not installed")
        return
    X, y = make_data(256, 100)
    clf = ours(1, "cpu").fit(X, y)
    with tempfile.TemporaryDirectory() as folder:
        onnx_model = OnnxPredictor(clf.export_onnx(Path(folder) / "m.onnx"), intra_op_num_threads=1)
    np.testing.assert_allclose(onnx_model.predict_proba(X), clf.predict_proba(X), atol=1e-5)
    # Throughput ratio = torch time / ONNX time on the same batch: 256 series (throughput),
    # then 16 (latency, where per-call overhead weighs more).
    for name, batch, repeats in [
        ("", X, 5 if quick else 15),
        ("_batch16", X[:16], 11 if quick else 31),
    ]:
        times = interleaved(
            {
                "predict_torch": lambda b=batch: clf.predict_proba(b),
                "predict_onnx": lambda b=batch: onnx_model.predict_proba(b),
            },
            repeats,
        )
        report_pair(f"onnx_vs_torch_predict{name}", times, "predict_torch", "predict_onnx")


# -------------------------------------------------------------------------- scaling


def slope(sizes, seconds):
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def bench_scaling(quick, device):
    epochs = 2 if quick else 3
    grids = {
        "scaling_n": [(n, 100) for n in ((128, 512) if quick else (128, 256, 512, 1024))],
        "scaling_t": [(256, t) for t in ((50, 200) if quick else (50, 100, 200, 400))],
    }
    for (name, grid), (suffix, extra) in itertools.product(grids.items(), MODELS.items()):
        data = {shape: make_data(*shape) for shape in grid}
        fits = {
            shape: (lambda d=d, e=extra: ours(epochs, device, **e).fit(*d))
            for shape, d in data.items()
        }
        times = interleaved(fits, 3 if quick else 5)
        med = [statistics.median(times[shape]) for shape in grid]
        sizes = [shape[0] if name == "scaling_n" else shape[1] for shape in grid]
        absolute = {f"fit at {s}": t for s, t in zip(sizes, med, strict=True)}
        report(name + suffix, slope(sizes, med), **absolute)


# ------------------------------------------------------------------ length bucketing


def bench_bucketing(quick, device):
    """Unequal lengths (20 to 200/400 steps): bucketed training batches vs random ones."""
    rng = np.random.default_rng(0)
    longest = 200 if quick else 400
    X, y = make_data(128 if quick else 256, longest)
    series = [x[:, : rng.integers(20, longest + 1)] for x in X]
    epochs = 2 if quick else 4
    times = interleaved(
        {
            "fit_bucketed": lambda: ours(epochs, device, bucket_by_length=True).fit(series, y),
            "fit_random": lambda: ours(epochs, device, bucket_by_length=False).fit(series, y),
        },
        3 if quick else 5,
    )
    report_pair("bucketed_vs_random_batches_fit", times, "fit_bucketed", "fit_random")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--only", nargs="+", help="run only these benchmarks")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, device {args.device}, quick={args.quick}")
    benches = {
        "fit_vs_raw_torch": bench_fit_vs_raw,
        "msa_vs_bilstm_step": bench_msa_step,
        "onnx_vs_torch_predict": bench_onnx,
        "scaling": bench_scaling,
        "bucketing": bench_bucketing,
    }
    start = time.perf_counter()
    for name, bench in benches.items():
        if args.only is None or name in args.only:
            bench(args.quick, args.device)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
