"""Why the paper's model learns nothing on Coffee: training curves and what the head sees.

For the paper's model (``stem=None, normalize="channel"``), the front-end alone
(``normalize="channel"``) and the defaults, after 1, 10 and 100 epochs: the first and
last training loss, the training accuracy, and the spread of the context vectors
(eq. 4) and hidden states between the training series, relative to their size. Then
the share of the input's spread that lies between series. Training split only. Run
from the repository root::

    python docs/experiments/scripts/why_coffee_fails.py [--data-dir ../shared/data/uea]
"""

import argparse
import warnings
from pathlib import Path

import torch

from sklearn_bilstm_msa import BiLSTMMSAClassifier
from sklearn_bilstm_msa._data import check_collection
from sklearn_bilstm_msa.benchmark import load_dataset


def spread(clf, X):
    """Mean between-series standard deviation over mean absolute value, of the
    context vectors and of the hidden states."""
    data = check_collection(X).standardized(clf.channel_mean_, clf.channel_std_)
    x, lengths = torch.as_tensor(data.values), torch.as_tensor(data.lengths)
    module = clf.net_.module_
    with torch.no_grad():
        z, z_lengths = module.front_end(x, lengths)
        h = module.encoder(z, z_lengths)
        context = module.attention(h, module._mask(z, z_lengths))
    ratio = [float(v.std(0).mean() / v.abs().mean()) for v in (context, h)]
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=Path(__file__).parents[4] / "shared/data/uea")
    parser.add_argument("--dataset", default="Coffee")
    args = parser.parse_args()
    data = load_dataset(args.dataset, data_dir=args.data_dir, offline=True)
    X, y = data.X_train, data.y_train
    models = {
        "paper": {"stem": None, "normalize": "channel"},
        "conv": {"normalize": "channel"},
        "default": {},
    }
    for name, params in models.items():
        for epochs in (1, 10, 100):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = BiLSTMMSAClassifier(
                    random_state=0, device="cpu", max_epochs=epochs, **params
                ).fit(X, y)
            loss = clf.history_[:, "train_loss"]
            context, states = spread(clf, X)
            print(
                f"{name:8s} {epochs:3d} epochs: loss {loss[0]:.3f} -> {loss[-1]:.3f}, "
                f"training accuracy {clf.score(X, y):.2f}, between-series spread of the "
                f"context {context:.2%}, of the hidden states {states:.2%}"
            )
    values = check_collection(X).values[:, :, 0]
    values = (values - values.mean()) / values.std()
    print(f"input: spread between series at a step / overall spread {values.std(0).mean():.3f}")


if __name__ == "__main__":
    main()
