"""The torch module: the paper's equations, masking and the readings of DESIGN.md §1."""

import math

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from sklearn_bilstm_msa import BiLSTMEncoder, BiLSTMMSANetwork, MultiScaleAttention

pytestmark = pytest.mark.numerics


def naive_weights(attention, h, lengths):
    """Eq. (2)-(3) and the normalised context, one step at a time (the reference)."""
    n, _, _ = h.shape
    with torch.no_grad():
        e = torch.tanh(attention.score(h))  # (N, T, S)
    out = torch.zeros_like(e)
    for i in range(n):
        length = int(lengths[i])
        for s, r in enumerate(attention.radii.tolist()):
            for t in range(length):
                window = range(max(0, t - r), min(length, t + r + 1))
                denominator = sum(math.exp(e[i, k, s]) for k in window)
                out[i, t, s] = math.exp(e[i, t, s]) / denominator
            if attention.context == "normalized":
                out[i, :length, s] /= out[i, :length, s].sum()
    return out


@pytest.mark.parametrize("context", ["normalized", "sum"])
def test_vectorised_window_softmax_matches_step_by_step_reference(context):
    torch.manual_seed(0)
    attention = MultiScaleAttention(6, (1, 3, 7, 25), context=context)
    h = torch.randn(4, 12, 6)
    lengths = torch.tensor([12, 9, 1, 5])
    mask = torch.arange(12)[None, :] < lengths[:, None]
    got = attention.weights(h, mask)
    assert torch.allclose(got, naive_weights(attention, h, lengths), atol=1e-6)
    assert (got[~mask] == 0).all(), "padded steps must get zero weight"


def test_normalised_weights_sum_to_one_per_scale_and_series():
    torch.manual_seed(0)
    attention = MultiScaleAttention(4, (3, 7), context="normalized")
    h = torch.randn(3, 20, 4)
    mask = torch.arange(20)[None, :] < torch.tensor([20, 7, 1])[:, None]
    sums = attention.weights(h, mask).sum(dim=1)
    assert torch.allclose(sums, torch.ones_like(sums), atol=1e-6)


@pytest.mark.parametrize("width", ["global", 2 * 10 - 1, 101])
def test_wide_window_is_exactly_global_softmax(width):
    torch.manual_seed(0)
    attention = MultiScaleAttention(4, (width,), context="sum")
    h = torch.randn(2, 10, 4)
    mask = torch.ones(2, 10, dtype=torch.bool)
    expected = torch.softmax(torch.tanh(attention.score(h)), dim=1)
    assert torch.allclose(attention.weights(h, mask), expected, atol=1e-6)


def test_width_one_with_normalised_context_is_mean_pooling():
    torch.manual_seed(0)
    with_width_one = BiLSTMMSANetwork(3, 2, hidden_size=5, window_sizes=(1,), context="normalized")
    without_attention = BiLSTMMSANetwork(3, 2, hidden_size=5, window_sizes=())
    without_attention.encoder.load_state_dict(with_width_one.encoder.state_dict())
    x = torch.randn(4, 9, 3)
    lengths = torch.tensor([9, 4, 1, 6])
    h = with_width_one.encoder(x, lengths)
    mask = torch.arange(9)[None, :] < lengths[:, None]
    context = with_width_one.attention(h, mask)
    mean = h.sum(1) / lengths[:, None]
    assert torch.allclose(context, mean, atol=1e-6)
    # and the no-attention network's head sees exactly that mean
    without_attention.head.load_state_dict(with_width_one.head.state_dict())
    assert torch.allclose(
        without_attention.eval()(x, lengths), with_width_one.eval()(x, lengths), atol=1e-6
    )


def test_literal_sum_context_grows_with_length_normalised_does_not():
    """Why "normalized" exists: eq. (4) as printed scales with the series length."""
    attention_sum = MultiScaleAttention(2, (3,), context="sum")
    attention_norm = MultiScaleAttention(2, (3,), context="normalized")
    attention_norm.load_state_dict(attention_sum.state_dict())
    for T in (10, 100):
        h = torch.ones(1, T, 2)
        mask = torch.ones(1, T, dtype=torch.bool)
        assert torch.allclose(attention_norm(h, mask), torch.ones(1, 2), atol=1e-6)
        # constant scores: alpha_t = 1/3 inside, 1/2 at the two ends
        expected = (T - 2) / 3 + 2 / 2
        assert torch.allclose(attention_sum(h, mask), torch.full((1, 2), expected), atol=1e-4)


def test_encoder_starts_backward_direction_at_each_real_last_step():
    torch.manual_seed(0)
    encoder = BiLSTMEncoder(2, 3, bidirectional=True)
    x = torch.randn(1, 6, 2)
    padded = torch.cat([x, 100 * torch.randn(1, 4, 2)], dim=1)  # garbage padding
    alone = encoder(x, torch.tensor([6]))
    batched = encoder(padded, torch.tensor([6]))
    assert torch.allclose(batched[:, :6], alone, atol=1e-6)
    assert (batched[:, 6:] == 0).all()


@pytest.mark.parametrize("num_layers", [1, 2])
def test_unpadded_batches_skip_packing_with_the_same_outputs_and_gradients(num_layers):
    # A batch without padding runs the LSTM on the plain tensor (cheaper on a CPU);
    # that must be the same function as the packed path, forward and backward.
    torch.manual_seed(0)
    encoder = BiLSTMEncoder(3, 5, num_layers=num_layers, bidirectional=True)
    x = torch.randn(4, 9, 3, requires_grad=True)
    lengths = torch.full((4,), 9)
    plain = encoder(x, lengths)
    (plain_grad,) = torch.autograd.grad(plain.square().sum(), x)

    packed_in = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    packed, _ = pad_packed_sequence(encoder.lstm(packed_in)[0], batch_first=True)
    (packed_grad,) = torch.autograd.grad(packed.square().sum(), x)

    assert plain.shape == (4, 9, 10)
    assert torch.allclose(plain, packed, atol=1e-6)
    assert torch.allclose(plain_grad, packed_grad, atol=1e-5)


@pytest.mark.parametrize("window_sizes", [(3, 7, 15), (), ("global",)])
@pytest.mark.parametrize("bidirectional", [True, False])
def test_padding_contents_never_change_the_logits(window_sizes, bidirectional):
    torch.manual_seed(0)
    net = BiLSTMMSANetwork(
        2,
        3,
        hidden_size=4,
        bidirectional=bidirectional,
        window_sizes=window_sizes,
        num_layers=2,
        dropout=0.5,
    ).eval()
    x = torch.randn(2, 8, 2)
    lengths = torch.tensor([8, 5])
    garbage = x.clone()
    garbage[1, 5:] = 1e3
    longer = torch.cat([x, torch.randn(2, 7, 2)], dim=1)
    reference = net(x, lengths)
    assert torch.allclose(net(garbage, lengths), reference, atol=1e-6)
    assert torch.allclose(net(longer, lengths), reference, atol=1e-6)


def test_attention_weights_shape_and_no_scales():
    net = BiLSTMMSANetwork(2, 3, hidden_size=4, window_sizes=(3, 5)).eval()
    x, lengths = torch.randn(5, 11, 2), torch.full((5,), 11)
    assert net.attention_weights(x, lengths).shape == (5, 2, 11)
    assert BiLSTMMSANetwork(2, 3, window_sizes=()).attention_weights(x, lengths).shape == (5, 0, 11)


class LocalEncoder(nn.Module):
    """Hidden states that only see a few neighbouring steps (a 1-D convolution)."""

    def __init__(self, n_channels, output_size):
        super().__init__()
        self.conv = nn.Conv1d(n_channels, output_size, kernel_size=5, padding=2)
        self.output_size = output_size

    def forward(self, x, lengths):
        return torch.tanh(self.conv(x.transpose(1, 2))).transpose(1, 2)


def test_trained_attention_peaks_at_the_motif_that_decides_the_class():
    """The mechanism does what the paper says: given local hidden states, the trained
    scorer puts its weight on the short motif that carries the class."""
    torch.manual_seed(0)
    n, T, width = 256, 48, 5
    y = torch.randint(0, 2, (n,))
    positions = torch.randint(0, T - width, (n,))
    x = 0.3 * torch.randn(n, T, 1)
    bump = 2.0 * torch.sin(torch.linspace(0, math.pi, width))
    for i in torch.nonzero(y).flatten():
        x[i, positions[i] : positions[i] + width, 0] += bump
    lengths = torch.full((n,), T)
    net = BiLSTMMSANetwork(1, 2, hidden_size=4, window_sizes=(7,))
    net.encoder = LocalEncoder(1, net.attention.score.in_features)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.03)
    for _ in range(200):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(x, lengths), y).backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        accuracy = (net(x, lengths).argmax(1) == y).float().mean()
        peaks = net.attention_weights(x, lengths)[:, 0].argmax(dim=1)  # (N,)
    has_motif = y == 1
    at_motif = (peaks >= positions - 2) & (peaks < positions + width + 2)
    assert accuracy > 0.95
    assert at_motif[has_motif].float().mean() > 0.9
