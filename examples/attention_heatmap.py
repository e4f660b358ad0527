"""Plot the per-scale attention weights of a fitted classifier over one series.

Fits on BasicMotions' training split and draws one test series with the weights of
each scale beneath it; saves ``attention_heatmap.png`` in the current folder.
Needs the ``viz`` extra (matplotlib). ``EXAMPLES_QUICK=1`` trains for a few epochs.

    python examples/attention_heatmap.py
"""

import os

import matplotlib.pyplot as plt
from aeon.datasets import load_classification

from sklearn_bilstm_msa import BiLSTMMSAClassifier, plot_attention

QUICK = os.environ.get("EXAMPLES_QUICK") == "1"


def main():
    X_train, y_train = load_classification("BasicMotions", split="train")
    X_test, y_test = load_classification("BasicMotions", split="test")
    clf = BiLSTMMSAClassifier(max_epochs=3 if QUICK else 100, random_state=0)
    clf.fit(X_train, y_train)
    top, _ = plot_attention(clf, X_test[0])
    predicted = clf.predict(X_test[:1])[0]
    top.set_title(f"BasicMotions test series 0: true {y_test[0]}, predicted {predicted}")
    out = "attention_heatmap.png"
    top.figure.savefig(out, dpi=120)
    plt.close(top.figure)
    print(f"saved {out}")


if __name__ == "__main__":
    main()
