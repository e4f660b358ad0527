"""The two ways the front-end sums its pooling windows, by stride (issue 18).

``_ShorteningStem.shorten`` takes the mean of the features over windows of ``stride``
steps. It sums the windows either by a product with the (T, T') 0/1 matrix of which
step lies in which window, or by ``avg_pool1d`` (``ceil_mode=True``) times the steps of
each window; ``MATMUL_POOL_MAX_STRIDE`` is the stride up to which it takes the product.
This script times both on one thread, in one run, for features of the default network
(``2 x 64`` filters of ``stem="dilated+conv"``, a batch of 32) at the strides that
``stem_stride="auto"`` gives series of several lengths, forward alone (predict) and
forward with backward (training), and prints the milliseconds and the ratio
``avg_pool1d / matrix product`` (above 1: the product is faster). Not part of the
test suite::

    python benchmarks/pooling.py
    python benchmarks/pooling.py --lengths 82 720 --repeats 50
"""

import argparse

import torch
from front_end import median_ms  # benchmarks/ is on the path of a script run from it
from torch import nn

from sklearn_bilstm_msa._network import MATMUL_POOL_MAX_STRIDE
from sklearn_bilstm_msa._training import auto_stem_stride


def by_product(z, stride):
    n_out = -(-z.shape[2] // stride)
    steps = torch.arange(z.shape[2]) // stride
    member = (steps.unsqueeze(1) == torch.arange(n_out)).to(z.dtype)  # (T, T')
    return z @ member


def by_avg_pool(z, stride):
    return nn.functional.avg_pool1d(z, stride, ceil_mode=True)


def timings(pool, z, stride, repeats):
    def forward():
        with torch.no_grad():
            pool(z, stride)

    def train():
        leaf = z.detach().requires_grad_()
        pool(leaf, stride).sum().backward()

    return median_ms(forward, repeats), median_ms(train, repeats)


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
    print("length stride | predict ms: product avg_pool ratio | train ms: product avg_pool ratio")
    for length in args.lengths:
        stride = auto_stem_stride([length])
        torch.manual_seed(0)
        z = torch.relu(torch.randn(args.batch, args.features, length))
        product = timings(by_product, z, stride, args.repeats)
        pooled = timings(by_avg_pool, z, stride, args.repeats)
        print(
            f"{length:6d} {stride:6d} | {product[0]:8.2f} {pooled[0]:8.2f} "
            f"{pooled[0] / product[0]:5.2f} | {product[1]:8.2f} {pooled[1]:8.2f} "
            f"{pooled[1] / product[1]:5.2f}"
        )


if __name__ == "__main__":
    main()
