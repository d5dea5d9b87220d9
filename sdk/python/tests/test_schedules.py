"""The package's learning-rate schedules against torch.optim.lr_scheduler's, epoch by epoch: cosine with its
restarts, a linear warm-up, and the two in sequence (a warm-up, then a cosine), as nanoGPT-style specs use them."""
import unittest

import torch

from parity_engine import training


def torch_lrs(make, epochs, lr=0.5):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    schedule = make(optimizer)
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(epochs):
        optimizer.step()
        schedule.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def package_lrs(schedule, epochs, lr=0.5):
    state = {"lr": training.first_lr(schedule, lr)}
    lrs = [state["lr"]]
    for _ in range(epochs):
        schedule.step(state)
        lrs.append(state["lr"])
    return lrs


class Schedules(unittest.TestCase):
    def assert_same(self, ours, theirs):
        self.assertEqual(len(ours), len(theirs))
        for epoch, (a, b) in enumerate(zip(ours, theirs)):
            self.assertAlmostEqual(a, b, delta=1e-15, msg=f"epoch {epoch}: {ours} vs {theirs}")

    def test_cosine_with_its_restarts(self):
        self.assert_same(package_lrs(training.CosineAnnealingLR(T_max=3, eta_min=0.01), 10),
                         torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=3, eta_min=0.01), 10))

    def test_linear_warm_up(self):
        self.assert_same(package_lrs(training.LinearLR(start_factor=0.1, end_factor=1.0, total_iters=3), 6),
                         torch_lrs(lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=3), 6))

    def test_a_warm_up_then_a_cosine(self):
        described = {"schedulers": [{"kind": "linear", "start_factor": 0.1, "end_factor": 1.0, "total_iters": 1},
                                    {"kind": "cosine", "T_max": 4, "eta_min": 0.0}], "milestones": [1]}
        theirs = torch_lrs(lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
            torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=1),
            torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.0)], milestones=[1]), 5)
        self.assert_same(package_lrs(training.SequentialLR(**described), 5), theirs)


if __name__ == "__main__":
    unittest.main()
