"""``load_weights``: a weights file back as whichever estimator wrote it."""

from ._weights import read_weights_file, weights_file_class

__all__ = ["load_weights"]


def load_weights(path, device=None):
    """Load a file written by ``save_weights``, whichever estimator wrote it.

    The file is read with ``torch.load(weights_only=True)``, so it runs no code.

    Parameters
    ----------
    path : str, path-like or file object
        The file.
    device : str or None, default=None
        Where to put the model; ``None`` keeps the saved ``device`` parameter,
        falling back to the CPU (with a warning) when CUDA is not available.

    Returns
    -------
    estimator : BiLSTMMSAClassifier, BiLSTMMSARegressor or another estimator of the package
        A fitted estimator (it has no training history).

    Raises
    ------
    ValueError
        For any file that is not a weights file, a pickle included (load a trusted
        pickle with ``joblib.load`` or ``pickle.load``).

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> from sklearn_bilstm_msa import BiLSTMMSAClassifier, load_weights
    >>> X, y = np.random.default_rng(0).normal(size=(8, 2, 10)), np.arange(8) % 2
    >>> clf = BiLSTMMSAClassifier(hidden_size=8, max_epochs=1, random_state=0).fit(X, y)
    >>> buffer = io.BytesIO()
    >>> clf.save_weights(buffer)
    >>> _ = buffer.seek(0)
    >>> restored = load_weights(buffer)
    >>> type(restored).__name__, bool((restored.predict(X) == clf.predict(X)).all())
    ('BiLSTMMSAClassifier', True)
    """
    payload = read_weights_file(path)
    return weights_file_class(payload)._from_weights(payload, path, device)
