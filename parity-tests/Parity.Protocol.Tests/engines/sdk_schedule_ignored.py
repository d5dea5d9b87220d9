"""The numpy example on the parity_engine package with one contract bug: its SGD keeps the first
learning rate and ignores the one the schedule moves (state["lr"]), so end_epoch changes nothing."""
import importlib.util
import os
import sys

sys.argv = sys.argv[:1]  # the example reads its own options at import
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples", "numpy-engine", "engine.py")
spec = importlib.util.spec_from_file_location("numpy_example", path)
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)


@example.engine.optimizer("sgd")
class FirstRateSGD(example.SGD):
    def __init__(self, lr, **options):
        super().__init__(lr, **options)
        self.first_lr = lr

    def step(self, params, grads, state):
        scheduled, state["lr"] = state["lr"], self.first_lr
        super().step(params, grads, state)
        state["lr"] = scheduled


example.engine.serve()
