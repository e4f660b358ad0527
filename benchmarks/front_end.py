"""What each front-end (``stem``) costs, by series length (issue 18).

For univariate series of several lengths, builds the classifier's default network
(``BiLSTMMSANetwork`` with the input views of ``difference=True`` and
``normalize="step+channel"``, ``hidden_size=64``, ``stem_stride`` and
``stem_dilations`` as ``"auto"`` would set them) with each front-end, and times on one
thread, in one run:

- ``predict``: a forward pass in eval mode without gradients, batch of 32 (the batch
  ``batch_size="auto"`` predicts in);
- ``train``: a forward and backward pass in training mode, batch of 16.

Prints milliseconds per batch (the median of ``--repeats`` timings) and each
front-end's ratio to ``stem="conv"``. Not part of the test suite::

    python benchmarks/front_end.py
    python benchmarks/front_end.py --lengths 82 720 1460 --stems conv dilated+conv
"""

import argparse
import time

import numpy as np
import torch

from sklearn_bilstm_msa import BiLSTMMSANetwork
from sklearn_bilstm_msa._defaults import auto_stem_dilations, auto_stem_stride
from sklearn_bilstm_msa._stems import DILATED_STEMS


def network(stem, length):
    """The default univariate network for series of ``length`` steps."""
    views = {
        "step_shift": torch.zeros(length, 1),
        "step_scale": torch.ones(length, 1),
        "difference_scale": torch.ones(1),
    }
    dilations = auto_stem_dilations([length]) if stem in DILATED_STEMS else None
    return BiLSTMMSANetwork(
        1,
        5,
        stem=stem,
        stem_stride=auto_stem_stride([length]),
        stem_dilations=dilations,
        **views,
    )


def median_ms(step, repeats):
    step()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def forward_backward_ms(function, x, repeats):
    """Milliseconds (median of ``repeats``) of ``function(x)`` without gradients (as in
    prediction) and of ``function(x).sum().backward()`` with ``x`` as a leaf (a training
    step's passes). For the benchmarks that compare two code paths on one tensor."""

    def predict():
        with torch.no_grad():
            function(x)

    def train():
        function(x.detach().requires_grad_()).sum().backward()

    return median_ms(predict, repeats), median_ms(train, repeats)


def old_against_new(old, new):
    """Two ``forward_backward_ms`` results as ``old new old/new | old new old/new``
    (a ratio above 1: the new path is faster)."""
    return " | ".join(f"{o:8.2f} {n:8.2f} {o / n:5.2f}" for o, n in zip(old, new, strict=True))


def timings(stem, length, repeats):
    torch.manual_seed(0)
    net = network(stem, length)
    x_pred, l_pred = torch.randn(32, length, 1), torch.full((32,), length)
    x_fit, l_fit = torch.randn(16, length, 1), torch.full((16,), length)

    def predict():
        net.eval()
        with torch.no_grad():
            net(x_pred, l_pred)

    def train():
        net.train()
        net.zero_grad()
        net(x_fit, l_fit).sum().backward()

    return median_ms(predict, repeats), median_ms(train, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[82, 286, 720, 1460])
    parser.add_argument("--stems", nargs="+", default=["conv", "dilated", "dilated+conv", "mixed"])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(1)
    header = ("length", "stem", "predict ms", "ratio", "train ms", "ratio")
    print("{:>6}  {:<13} {:>10} {:>6} {:>9} {:>6}".format(*header))
    for length in args.lengths:
        base = None
        for stem in args.stems:
            pred, fit = timings(stem, length, args.repeats)
            if base is None:
                base = (pred, fit)
            print(
                f"{length:>6}  {stem:<13} {pred:>10.1f} {pred / base[0]:>6.2f} "
                f"{fit:>9.1f} {fit / base[1]:>6.2f}"
            )


if __name__ == "__main__":
    main()
