"""Stochastic weight averaging as a skorch callback, the prototype of CV pass thirty-three.

SWA (Izmailov et al., 2018, "Averaging Weights Leads to Wider Optima and Better
Generalization") trains as usual for most of the epochs, then holds the learning rate
and averages the weights at the end of each remaining epoch; the average replaces the
weights when training ends. Over our cosine schedule: from epoch ``ceil(start *
max_epochs)`` on, the rate stays at the value the schedule had reached
(``(1 + cos(pi * start)) / 2`` of ``lr``, 0.146 of it for ``start=0.75``), and the
network ends with the mean of those epochs' weights. It costs nothing in prediction
(one network's weights) and a copy of the parameters in training. The network has no
batch norm, so no statistics need recomputing after the average.

It is passed through the estimator's ``callbacks`` parameter, as a user would::

    BiLSTMMSAClassifier(callbacks=[("swa", StochasticWeightAveraging())])
"""

import math

import torch
from skorch.callbacks import Callback
from torch.optim.swa_utils import AveragedModel


class StochasticWeightAveraging(Callback):
    """Hold the learning rate from ``start`` (a share of ``max_epochs``) on and end with
    the mean of the weights at the end of each of those epochs."""

    def __init__(self, start=0.75):
        self.start = start

    def on_train_begin(self, net, **kwargs):
        # Epochs are counted from this fit's first (a warm_start fit continues the history).
        self.first_row_ = len(net.history)
        self.first_epoch_ = math.ceil(self.start * net.max_epochs)
        self.lr_ = None
        self.average_ = None

    def _epoch(self, net):
        return len(net.history) - 1 - self.first_row_

    def on_epoch_begin(self, net, **kwargs):
        epoch = self._epoch(net)
        if epoch < self.first_epoch_:
            return
        if self.lr_ is None:  # the rate the schedule reached, held from here on
            self.lr_ = [group["lr"] for group in net.optimizer_.param_groups]
        for group, lr in zip(net.optimizer_.param_groups, self.lr_, strict=True):
            group["lr"] = lr

    def on_epoch_end(self, net, **kwargs):
        if self._epoch(net) < self.first_epoch_:
            return
        if self.average_ is None:
            self.average_ = AveragedModel(net.module_)
        self.average_.update_parameters(net.module_)

    def on_train_end(self, net, **kwargs):
        if self.average_ is None:
            return
        with torch.no_grad():
            for mine, averaged in zip(
                net.module_.parameters(), self.average_.module.parameters(), strict=True
            ):
                mine.copy_(averaged)
        self.average_ = None
