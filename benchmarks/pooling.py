"""The three ways the front-end sums its pooling windows, by stride (issue 18).

``_ShorteningStem.shorten`` takes the mean of the features over windows of ``stride``
steps. It sums the windows by a product with the (T, T') 0/1 matrix of which step lies
in which window (``_window_sums_by_product``) up to ``MATMUL_POOL_MAX_STRIDE``; above it
by ``avg_pool1d`` (``ceil_mode=True``) times the steps of each window
(``_window_sums_by_avg_pool``) where a gradient is recorded, and by sums over the last
axis of the features seen as (N, F, T // s, s) (``_window_sums_by_reshape``) where none
is. This script times all three, as the package computes them, on one thread, in one
run, for features of the default network (``2 x 64`` filters of
``stem="dilated+conv"``, a batch of 32) at the strides that ``stem_stride="auto"`` gives
series of several lengths, forward alone (predict) and forward with backward (training),
and prints the milliseconds and each one's ratio to ``avg_pool1d`` (above 1: faster than
``avg_pool1d``). Not part of the test suite::

    python benchmarks/pooling.py
    python benchmarks/pooling.py --lengths 82 720 --repeats 50
"""

import argparse

import torch
from front_end import forward_backward_ms  # benchmarks/ is on the path

from sklearn_bilstm_msa._defaults import auto_stem_stride
from sklearn_bilstm_msa._stems import MATMUL_POOL_MAX_STRIDE, ConvStem


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lengths", type=int, nargs="+", default=[82, 128, 286, 500, 720, 1460, 2844]
    )
    parser.add_argument("--features", type=int, default=128)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(
        f"matrix product up to stride {MATMUL_POOL_MAX_STRIDE}; above it avg_pool1d in "
        "training, the reshape in prediction"
    )
    print("ms (ratio to avg_pool1d): avg_pool1d, reshape, product")
    print("length stride | predict | train")
    methods = ("_window_sums_by_avg_pool", "_window_sums_by_reshape", "_window_sums_by_product")
    for length in args.lengths:
        stride = auto_stem_stride([length])
        stem = ConvStem(1, 1, stride=stride)  # only its window arithmetic is used
        n_out = -(-length // stride)
        torch.manual_seed(0)
        z = torch.relu(torch.randn(args.batch, args.features, length))
        times = [
            forward_backward_ms(
                lambda t, s=stem, m=method, n=n_out: getattr(s, m)([t], n)[0], z, args.repeats
            )
            for method in methods
        ]  # (predict, train) of each method
        columns = [
            " ".join(
                f"{ms[k]:7.2f} ({times[0][k] / ms[k]:4.2f})" if i else f"{ms[k]:7.2f}"
                for i, ms in enumerate(times)
            )
            for k in (0, 1)
        ]
        print(f"{length:6d} {stride:6d} | {columns[0]} | {columns[1]}")


if __name__ == "__main__":
    main()
