"""The two ways the front-end sums its pooling windows, by stride (issue 18).

``_ShorteningStem.shorten`` takes the mean of the features over windows of ``stride``
steps. It sums the windows either by ``avg_pool1d`` (``ceil_mode=True``) times the steps
of each window (``_window_sums_by_avg_pool``), or by a product with the (T, T') 0/1
matrix of which step lies in which window (``_window_sums_by_product``);
``MATMUL_POOL_MAX_STRIDE`` is the stride up to which it takes the product. This script
times both, as the package computes them, on one thread, in one run, for features of
the default network (``2 x 64`` filters of ``stem="dilated+conv"``, a batch of 32) at
the strides that ``stem_stride="auto"`` gives series of several lengths, forward alone
(predict) and forward with backward (training), and prints the milliseconds and the
ratio ``avg_pool1d / matrix product`` (above 1: the product is faster). Not part of the
test suite::

    python benchmarks/pooling.py
    python benchmarks/pooling.py --lengths 82 720 --repeats 50
"""

import argparse

import torch
from front_end import forward_backward_ms, old_against_new  # benchmarks/ is on the path

from sklearn_bilstm_msa._network import MATMUL_POOL_MAX_STRIDE, ConvStem
from sklearn_bilstm_msa._training import auto_stem_stride


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
    print(f"matrix product up to stride {MATMUL_POOL_MAX_STRIDE}, avg_pool1d above")
    print("length stride | predict ms: avg_pool product ratio | train ms: avg_pool product ratio")
    for length in args.lengths:
        stride = auto_stem_stride([length])
        stem = ConvStem(1, 1, stride=stride)  # only its window arithmetic is used
        n_out = -(-length // stride)
        torch.manual_seed(0)
        z = torch.relu(torch.randn(args.batch, args.features, length))
        pooled = forward_backward_ms(
            lambda t, s=stem, n=n_out: s._window_sums_by_avg_pool([t], n)[0], z, args.repeats
        )
        product = forward_backward_ms(
            lambda t, s=stem, n=n_out: s._window_sums_by_product([t], n)[0], z, args.repeats
        )
        print(f"{length:6d} {stride:6d} | {old_against_new(pooled, product)}")


if __name__ == "__main__":
    main()
