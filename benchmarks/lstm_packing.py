"""What packing costs the BiLSTM when a batch has no padding (issue 18).

``BiLSTMEncoder`` packs a batch (``pack_padded_sequence``) only when some series in it
is shorter than the batch; without padding it runs the LSTM on the plain tensor, which
computes the same. This script times both on one thread, in one run, for the default
network's BiLSTM (``2 x 64`` features of ``stem="dilated+conv"`` in, ``H = 64``) at
batch sizes and lengths after the front-end's shortening (about 32 steps), and prints
milliseconds for prediction (forward, no gradients) and a training step (forward and
backward), and the ratio ``packed / plain``. Not part of the test suite::

    python benchmarks/lstm_packing.py
"""

import argparse

import torch
from front_end import forward_backward_ms, old_against_new  # benchmarks/ is on the path
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def plain(lstm, x):
    return lstm(x)[0]


def packed(lstm, x):
    lengths = torch.full((x.shape[0],), x.shape[1])
    sequence = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    return pad_packed_sequence(lstm(sequence)[0], batch_first=True)[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", default=["4x28", "32x28", "32x33", "32x64"])
    parser.add_argument("--features", type=int, default=128)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    lstm = nn.LSTM(args.features, args.hidden_size, batch_first=True, bidirectional=True)
    print("batch x steps | predict ms: packed plain ratio | train ms: packed plain ratio")
    for shape in args.shapes:
        batch, steps = (int(v) for v in shape.split("x"))
        x = torch.randn(batch, steps, args.features)
        with_packing = forward_backward_ms(lambda t: packed(lstm, t), x, args.repeats)
        without = forward_backward_ms(lambda t: plain(lstm, t), x, args.repeats)
        print(f"{shape:>13} | {old_against_new(with_packing, without)}")


if __name__ == "__main__":
    main()
