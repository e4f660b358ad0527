"""A training step of the default seed ensemble, its members computed apart or together,
with the for-loop or the fused AdamW (issue 36, point 1).

For each batch shape (cases x steps, one channel read through the default views: the
series, its per-step standardisation and its difference), builds the default
five-member ensemble for series of that length (the front-end's stride and dilations
from ``_defaults.py``) and times a training step (forward, member losses, backward,
gradient clipping, optimizer step) on one thread:

- ``apart``: member by member (``SeedEnsemble.alike = False``), for-loop AdamW, as
  before issue 36;
- ``together``: the members computed together (``_members.py``; since issue 36's
  point 2 in the ensemble's two blocks, ``member_blocks``), for-loop AdamW;
- ``together+fused``: computed together, fused AdamW (the default where torch has it).

Also one network (``n_estimators`` above 100 cases) with either optimizer. Prints
milliseconds per step and the ratios to ``apart``, e.g.::

    python benchmarks/members.py
    python benchmarks/members.py --shapes 4x286 10x1500 --steps 20

The default shapes are the batches of small training sets (a tenth of the cases, 4 to
10 below 100 cases) at lengths from 60 to 2000 steps; ``FUSED_STEM_MAX_ELEMENTS`` in
``_members.py`` was read off the 10x1500 and 4x2000 rows. Those long rows move by
about 10% from run to run on a 2-core machine, so take them from repeated runs.
"""

import argparse
import time

import torch

from sklearn_bilstm_msa._defaults import auto_stem_dilations, auto_stem_stride
from sklearn_bilstm_msa._network import BiLSTMMSANetwork, SeedEnsemble
from sklearn_bilstm_msa._training import MemberCrossEntropyLoss, fused_optimizer_runs

DEFAULT_SHAPES = ["4x286", "8x60", "10x100", "10x500", "4x2000", "10x1500"]


def _module(members, n_steps):
    params = dict(
        n_channels=3,
        n_outputs=2,
        stem="dilated+conv",
        stem_stride=auto_stem_stride([n_steps]),
        stem_dilations=auto_stem_dilations([n_steps]),
        dropout=0.1,
    )
    if members == 1:
        return BiLSTMMSANetwork(**params)
    return SeedEnsemble(members, "proba", **params)


def time_step(members, n_cases, n_steps, *, together, fused, steps, warmup=3):
    """Milliseconds per training step, the mean over ``steps`` after ``warmup``."""
    torch.manual_seed(0)
    module = _module(members, n_steps).train()
    if members > 1:
        module.alike = together
    optimizer = torch.optim.AdamW(
        module.parameters(), lr=5e-3, weight_decay=1e-4, **({"fused": True} if fused else {})
    )
    x = torch.randn(n_cases, n_steps, 3)
    lengths = torch.full((n_cases,), n_steps)
    y = torch.randint(0, 2, (n_cases,))
    loss_fn = MemberCrossEntropyLoss(label_smoothing=0.1)

    def step():
        optimizer.zero_grad()
        loss_fn(module(x, lengths), y).backward()
        torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
        optimizer.step()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=DEFAULT_SHAPES, help="CASESxSTEPS")
    parser.add_argument("--steps", type=int, default=30, help="timed steps per variant")
    parser.add_argument("--members", type=int, default=5)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    fused = fused_optimizer_runs(torch.optim.AdamW, "cpu")
    if not fused:
        print("This torch has no fused AdamW for the CPU: the fused columns are skipped.")
    print(
        f"{'batch':>9} | {args.members} members: apart  together  +fused | "
        "together/apart  +fused/apart | 1 network: loop  fused  fused/loop"
    )
    for shape in args.shapes:
        n_cases, n_steps = (int(v) for v in shape.split("x"))
        run = dict(steps=args.steps)
        apart = time_step(args.members, n_cases, n_steps, together=False, fused=False, **run)
        together = time_step(args.members, n_cases, n_steps, together=True, fused=False, **run)
        both = time_step(args.members, n_cases, n_steps, together=True, fused=fused, **run)
        one_loop = time_step(1, n_cases, n_steps, together=False, fused=False, **run)
        one_fused = time_step(1, n_cases, n_steps, together=False, fused=fused, **run)
        print(
            f"{shape:>9} | {apart:8.1f} {together:9.1f} {both:7.1f} | "
            f"{together / apart:14.2f} {both / apart:13.2f} | "
            f"{one_loop:15.1f} {one_fused:6.1f} {one_fused / one_loop:10.2f}"
        )


if __name__ == "__main__":
    main()
