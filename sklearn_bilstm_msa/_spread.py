"""``n_jobs`` across a seed ensemble's members: its blocks trained in processes side by
side, with the same result as one process.

A :class:`~._network.SeedEnsemble` trains its members as independent networks on the
same batches (each member's own loss, gradient clipping and dropout generator) and
computes them in :func:`~._network.member_blocks` whose arithmetic is each block's own.
A block trained alone (``SeedEnsemble(block=...)``, from the same seed, so the same
initial weights, batches and draws) therefore gives its members bit for bit as the
whole ensemble trained in one process does. ``n_jobs`` of 2 or more fits the blocks in
joblib's worker processes, one torch thread each, and puts the members back together in
one network; the fitted parameters and predictions are those of ``n_jobs=1`` on the
same machine, and the history's losses (the members' mean) agree to float32 rounding.

Only fits whose members nothing couples are spread; the others train in one process on
``n_jobs`` threads, as before: a hold-out (early stopping and its best weights follow
the ensemble's loss), ``lr_schedule="plateau"`` (the ensemble's loss sets the rate),
``callbacks`` of the user's (they would see each block apart), ``warm_start``
continuations, an LSTM with dropout between its layers (torch's generator, member after
member), a device other than the CPU, and float16 (one loss scale); and ``verbose``
fits, whose epoch table comes from the one training loop as it runs. The merged network
has a fresh optimizer (the blocks' optimizer state stays in the workers): nothing reads
it after ``fit``, and a ``warm_start`` fit starts a fresh one either way.
"""

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from skorch.history import History

from ._network import SeedEnsemble, member_blocks
from ._training import isolated_torch_state

__all__ = ["fit_blocks_side_by_side", "spread_workers"]


def spread_workers(estimator, net, *, use_validation, warm, device):
    """How many processes the fit of ``net`` (unfitted, as ``estimator._build_net``
    made it) runs its members' blocks in: 0 where it trains in one process."""
    if net.module is not SeedEnsemble or warm or use_validation:
        return 0
    workers = effective_n_jobs(estimator.n_jobs)
    if workers < 2 or estimator.callbacks or estimator.lr_schedule == "plateau":
        return 0
    if estimator.verbose:  # the epoch table as it trains, from one process
        return 0
    if str(device) != "cpu" or estimator.precision == "float16":
        return 0
    params = net.get_params_for("module")
    if params.get("num_layers", 1) > 1 and params.get("dropout", 0.0) > 0.0:
        return 0
    return min(workers, len(member_blocks(params["n_estimators"])))


def _fit_block(net, block, seed, X, y):
    """One block's members trained as the whole ensemble trains them (a worker)."""
    net.set_params(module__block=block, verbose=0)
    with isolated_torch_state(seed, 1):
        net.fit(X, y)
    return net.module_.members.state_dict(), list(net.history)


def fit_blocks_side_by_side(net, seed, X, y, n_workers):
    """Fit ``net`` (a seed ensemble's, unfitted) on ``X``, ``y`` with its members'
    blocks in ``n_workers`` processes; return it fitted, its members' parameters
    from the blocks and its history merged (:func:`merge_histories`)."""
    blocks = member_blocks(net.get_params_for("module")["n_estimators"])
    fitted = Parallel(n_jobs=n_workers, backend="loky")(
        delayed(_fit_block)(net, block, seed, X, y) for block in blocks
    )
    net.initialize()
    for (start, stop), (state, _) in zip(blocks, fitted, strict=True):
        net.module_.members[start:stop].load_state_dict(state)  # the block's ModuleList
    sizes = [stop - start for start, stop in blocks]
    net.history_ = merge_histories([history for _, history in fitted], sizes)
    return net


def merge_histories(histories, sizes):
    """One skorch history of the blocks' ``histories`` (blocks of ``sizes`` members):
    each batch's and epoch's ``train_loss`` the members' mean, ``train_loss_best``
    from the merged losses, ``dur`` the longest block's (the blocks ran side by side);
    the rest (epochs, batch sizes, learning rates) as the first block has them."""
    weights = np.asarray(sizes, dtype=float) / sum(sizes)
    merged, best = History(), np.inf
    for epochs in zip(*histories, strict=True):
        row = dict(epochs[0])
        batches = []
        for parts in zip(*(epoch["batches"] for epoch in epochs), strict=True):
            batch = dict(parts[0])
            batch["train_loss"] = float(np.dot(weights, [b["train_loss"] for b in parts]))
            batches.append(batch)
        row["batches"] = batches
        row["train_loss"] = float(
            np.average(
                [b["train_loss"] for b in batches],
                weights=[b["train_batch_size"] for b in batches],
            )
        )
        row["train_loss_best"] = bool(row["train_loss"] < best)
        best = min(best, row["train_loss"])
        row["dur"] = max(epoch["dur"] for epoch in epochs)
        merged.append(row)
    return merged
