"""The four baselines as torch modules: shapes, padding, length limit, learning, gradients."""

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from sklearn_bilstm_msa.baselines import (
    BASELINE_DEFAULTS,
    BASELINE_NETWORKS,
    FEDformerNetwork,
    InformerNetwork,
    TimesNetNetwork,
    TSMixerNetwork,
)
from sklearn_bilstm_msa.baselines._layers import DataEmbedding, sinusoidal_encoding
from sklearn_bilstm_msa.baselines.timesnet import InceptionBlock

from .conftest import assert_float32_close

C, K, SEQ_LEN = 3, 4, 24

#: Tiny settings: a test checks behaviour, not accuracy.
SMALL = {
    InformerNetwork: dict(d_model=16, d_ff=16, n_heads=2, e_layers=2, factor=2),
    FEDformerNetwork: dict(d_model=16, d_ff=16, n_heads=2, e_layers=2, moving_avg=5, modes=6),
    TimesNetNetwork: dict(d_model=8, d_ff=8, e_layers=2, top_k=2, num_kernels=3),
    TSMixerNetwork: dict(e_layers=2, d_ff=16),
}
NETWORKS = list(SMALL)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: one thread is faster than two that wait for each other on a busy
    machine (by 10-50 times here)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def build(cls, seed=0, n_channels=C, n_outputs=K, seq_len=SEQ_LEN, **params):
    torch.manual_seed(seed)
    return cls(n_channels, n_outputs, seq_len, **{**SMALL[cls], **params})


def series(n, n_steps=SEQ_LEN, seed=1):
    return torch.randn(n, n_steps, C, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("cls", NETWORKS)
@pytest.mark.parametrize("lengths", [[SEQ_LEN] * 5, [SEQ_LEN, 3, 17, 1, 10]])
def test_logits_shape_and_finite(cls, lengths):
    net = build(cls).eval()
    out = net(series(5), torch.tensor(lengths))
    assert out.shape == (5, K)
    assert torch.isfinite(out).all()


@pytest.mark.numerics
@pytest.mark.parametrize("cls", NETWORKS)
@pytest.mark.parametrize("length", [5, 13, SEQ_LEN])
def test_padding_never_changes_an_output(cls, length):
    """One series alone at its own length, with zeros, garbage or NaN beyond it, with
    padding past seq_len, and among other (longer, different) series: the same logits."""
    net = build(cls).eval()
    x = series(1, length, seed=2)  # (1, L, C)
    lengths = torch.tensor([length])
    with torch.no_grad():
        alone = net(x, lengths)
        scale = float(alone.abs().max()) + 1.0
        tail = SEQ_LEN + 6 - length
        variants = {
            "zeros": torch.cat([x, torch.zeros(1, tail, C)], dim=1),
            "garbage": torch.cat([x, 100 * torch.randn(1, tail, C)], dim=1),
            "nan": torch.cat([x, torch.full((1, tail, C), math.nan)], dim=1),
        }
        for padded in variants.values():
            assert_float32_close(net(padded, lengths), alone, scale)
            assert_float32_close(net(padded[:, : length + 1], lengths), alone, scale)
        others = series(6, SEQ_LEN, seed=3)  # other spectra, other periods (TimesNet)
        batch = torch.cat([others[:3], variants["garbage"][:, :SEQ_LEN], others[3:]])
        batch_lengths = torch.tensor([SEQ_LEN, 20, 7, length, SEQ_LEN, 16, 11])
        assert_float32_close(net(batch, batch_lengths)[3:4], alone, scale)


@pytest.mark.parametrize("cls", NETWORKS)
def test_a_series_longer_than_seq_len_is_refused(cls):
    net = build(cls).eval()
    x = series(2, SEQ_LEN + 5)
    with pytest.raises(ValueError, match=rf"at most {SEQ_LEN} steps; got a series of 27 steps"):
        net(x, torch.tensor([10, SEQ_LEN + 3]))
    with torch.no_grad():  # padding past seq_len is only trimmed
        assert_float32_close(
            net(x, torch.tensor([10, SEQ_LEN])), net(x[:, :SEQ_LEN], torch.tensor([10, SEQ_LEN]))
        )


@pytest.mark.parametrize("cls", NETWORKS)
def test_inconsistent_lengths_are_refused(cls):
    net = build(cls)
    with pytest.raises(ValueError, match="lengths must lie in"):
        net(series(2, 10), torch.tensor([4, 12]))
    with pytest.raises(ValueError, match="lengths must lie in"):
        net(series(2, 10), torch.tensor([0, 8]))


def two_class_problem(n=16, seed=0):
    """Sine against square waves of random phase and length (frequency 3 cycles / 24 steps)."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    lengths = torch.randint(16, SEQ_LEN + 1, (n,), generator=gen)
    phase = torch.rand(n, 1, generator=gen) * 2 * math.pi
    wave = torch.sin(2 * math.pi * torch.arange(SEQ_LEN) / 8 + phase)  # (n, S)
    wave = torch.where(y.unsqueeze(1).bool(), torch.sign(wave), wave)
    x = wave.unsqueeze(-1) + 0.1 * torch.randn(n, SEQ_LEN, C, generator=gen)  # (n, S, C)
    return x, lengths, y


@pytest.mark.parametrize("cls", NETWORKS)
def test_fits_a_tiny_problem(cls):
    x, lengths, y = two_class_problem()
    net = build(cls, n_outputs=2)
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    net.train()
    for _ in range(60):
        optimizer.zero_grad()
        F.cross_entropy(net(x, lengths), y).backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = (net.eval()(x, lengths).argmax(1) == y).float().mean()
    assert accuracy == 1.0


@pytest.mark.parametrize("cls", NETWORKS)
def test_gradients_reach_every_parameter(cls):
    net = build(cls).train()
    net(series(4), torch.tensor([SEQ_LEN, 9, 17, 2])).square().sum().backward()
    missing = [n for n, p in net.named_parameters() if p.grad is None or not p.grad.any()]
    assert not missing


@pytest.mark.parametrize("cls", NETWORKS)
def test_eval_mode_is_deterministic_and_training_follows_the_seed(cls):
    net = build(cls)
    x, lengths = series(4), torch.tensor([SEQ_LEN, 9, 17, 2])
    with torch.no_grad():
        net.eval()
        assert torch.equal(net(x, lengths), net(x, lengths))
        net.train()  # dropout and Informer's key sampling draw from the global generator
        torch.manual_seed(5)
        first = net(x, lengths)
        torch.manual_seed(5)
        assert torch.equal(net(x, lengths), first)


@pytest.mark.parametrize("cls", NETWORKS)
def test_same_seed_same_network(cls):
    a, b = build(cls, seed=3), build(cls, seed=3)
    for (name, u), v in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(u, v), name


@pytest.mark.parametrize("cls", NETWORKS)
def test_padded_steps_never_reach_a_real_one_inside(cls):
    """Whatever the padded steps hold between layers, the real steps come out the same:
    attention masks padded keys, convolutions and FFTs see zeros there."""
    net = build(cls).eval()
    lengths = torch.tensor([SEQ_LEN, 9, 17, 2])
    mask = torch.arange(SEQ_LEN) < lengths.unsqueeze(1)  # (N, S)
    if cls is TSMixerNetwork:
        layers, width = net.blocks, C
    else:
        layers, width = [lambda h, mask: net.encode(h, lengths, mask)], SMALL[cls]["d_model"]
    h = torch.randn(4, SEQ_LEN, width).masked_fill(~mask.unsqueeze(-1), 0.0)
    garbage = torch.where(mask.unsqueeze(-1), h, 50 * torch.randn_like(h))
    with torch.no_grad():
        for layer in layers:
            clean, dirty = layer(h, mask), layer(garbage, mask)
            assert_float32_close(clean[mask], dirty[mask], float(clean.abs().max()))


def test_embedding_wraps_around_the_real_steps():
    """At the real steps, the embedding is TSLib's circular convolution of the series
    alone (plus the positions), as if it were not padded."""
    torch.manual_seed(0)
    embed = DataEmbedding(C, 8, SEQ_LEN, dropout=0.0)
    length = 9
    x = series(1, SEQ_LEN)
    x[:, length:] = 0.0
    mask = torch.arange(SEQ_LEN) < length
    with torch.no_grad():
        out = embed(x, torch.tensor([length]), mask.unsqueeze(0))  # (1, S, 8)
        alone = F.pad(x[:, :length].transpose(1, 2), (1, 1), mode="circular")  # (1, C, L+2)
        expected = F.conv1d(alone, embed.token_weight).transpose(1, 2)  # (1, L, 8)
    expected = expected + sinusoidal_encoding(SEQ_LEN, 8)[:length]
    assert_float32_close(out[:, :length], expected)
    assert not out[:, length:].any()


def test_inception_block_is_the_mean_of_its_convolutions():
    torch.manual_seed(0)
    block = InceptionBlock(3, 5, num_kernels=3)
    for conv in block.kernels:
        nn.init.normal_(conv.bias)
    x = torch.randn(2, 3, 4, 6)
    with torch.no_grad():
        expected = torch.stack([conv(x) for conv in block.kernels]).mean(0)
        assert_float32_close(block(x), expected)


def test_informer_sparsity_counts():
    net = build(InformerNetwork, factor=2)
    attention = net.layers[0].attention
    assert attention.n_top == attention.n_sample == 2 * math.ceil(math.log(SEQ_LEN))
    assert build(InformerNetwork, factor=7).layers[0].attention.n_top == SEQ_LEN  # capped


def test_fedformer_modes_are_drawn_once_and_shared_by_the_layers():
    net = build(FEDformerNetwork, modes=100)
    fourier = net.layers[0].attention.fourier
    assert all(layer.attention.fourier is fourier for layer in net.layers)
    index = fourier.index
    assert len(index) == SEQ_LEN // 2  # min(modes, S // 2)
    assert torch.equal(index, torch.arange(SEQ_LEN // 2))
    index = build(FEDformerNetwork, seed=1).layers[0].attention.fourier.index
    assert len(index) == 6 and torch.all(index[1:] > index[:-1]) and index.max() < SEQ_LEN // 2


@pytest.mark.parametrize("name", list(BASELINE_DEFAULTS))
def test_published_settings_build_the_networks(name):
    """TSLib's settings at JapaneseVowels' shape (12 channels, 29 steps, 9 classes)."""
    settings = BASELINE_DEFAULTS[name]
    cls = BASELINE_NETWORKS[name]
    assert {"optimizer", "lr", "batch_size", "max_epochs", "grad_clip_norm"} <= set(
        settings["training"]
    )
    for params in [settings["module"], *settings.get("per_dataset", {}).values()]:
        assert isinstance(cls(12, 9, 29, **params), nn.Module)


def test_skorch_builds_them_from_module_parameters():
    from skorch import NeuralNet

    for cls in NETWORKS:
        net = NeuralNet(
            module=cls,
            module__n_channels=C,
            module__n_outputs=K,
            module__seq_len=SEQ_LEN,
            criterion=nn.CrossEntropyLoss,
        ).initialize()
        assert isinstance(net.module_, cls)
