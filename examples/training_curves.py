"""Training curves, a skorch callback and a warm start on aeon's shipped BasicMotions.

The classifier holds out a fifth of the training cases (``validation_fraction=0.2``),
so it keeps, as scikit-learn's ``MLPClassifier`` does, ``loss_curve_`` (training loss
per epoch), ``validation_scores_`` (hold-out accuracy per epoch), ``best_loss_`` and
``best_validation_score_``. A small skorch callback records the learning rate of each
epoch in the history (TensorBoard, MlflowLogger or Checkpoint go in the same list). A second ``fit``
with ``warm_start=True`` trains the same network further: the curves grow. The figure
is written to ``training_curves.png``. ``EXAMPLES_QUICK=1`` trains for a few epochs only.

    python examples/training_curves.py
"""

import os

import matplotlib.pyplot as plt
from aeon.datasets import load_basic_motions
from skorch.callbacks import Callback

from sklearn_bilstm_msa import BiLSTMMSAClassifier

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


class LearningRateLog(Callback):
    """Records the optimizer's learning rate of each epoch in the history (``"lr"``),
    which a warm start carries on."""

    def on_epoch_end(self, net, **kwargs):
        net.history.record("lr", net.optimizer_.param_groups[0]["lr"])


def main():
    X, y = load_basic_motions(split="train")
    X_test, y_test = load_basic_motions(split="test")
    clf = BiLSTMMSAClassifier(
        max_epochs=3 if QUICK else 40,
        validation_fraction=0.2,
        patience=100,  # keep every epoch for the picture
        callbacks=[("lr_log", LearningRateLog())],
        warm_start=True,
        random_state=0,
    )
    clf.fit(X, y)
    first = clf.n_iter_
    clf.fit(X, y)  # warm start: a second cosine cycle from the fitted network
    print(f"epochs {first} + {clf.n_iter_ - first} = {clf.n_iter_}")
    print(
        f"best hold-out loss {clf.best_loss_:.4f}, best accuracy {clf.best_validation_score_:.3f}"
    )
    print(f"test accuracy {clf.score(X_test, y_test):.3f}")

    epochs = range(1, clf.n_iter_ + 1)
    fig, (ax_loss, ax_lr) = plt.subplots(2, 1, figsize=(6, 5), sharex=True)
    ax_loss.plot(epochs, clf.loss_curve_, label="training loss (loss_curve_)")
    ax_loss.plot(epochs, clf.history_[:, "valid_loss"], label="hold-out loss")
    ax_loss.plot(epochs, clf.validation_scores_, label="hold-out accuracy (validation_scores_)")
    ax_loss.axvline(first + 0.5, color="grey", linestyle=":", label="second fit (warm_start)")
    ax_loss.set_ylabel("loss / accuracy")
    ax_loss.legend(fontsize=8)
    ax_lr.plot(epochs, clf.history_[:, "lr"])
    ax_lr.set_xlabel("epoch")
    ax_lr.set_ylabel("learning rate (callback)")
    fig.suptitle("BiLSTMMSAClassifier on BasicMotions")
    fig.tight_layout()
    fig.savefig("training_curves.png", dpi=100)
    print("wrote training_curves.png")


if __name__ == "__main__":
    main()
