#!/usr/bin/env python3
"""A seed-style two-class network — one object with its own forward and backward, dense layers with
tanh, ReLU or sigmoid between them, MSE, SGD with momentum — checked by Parity through the whole-model
level of the parity_engine package (sdk/python), which speaks the protocol.

    parity check parity-tests/specs/disk-three-layers.yaml --engine "exec:python3 examples/whole-model-engine/engine.py"
"""
import os
import sys

import numpy as np

try:
    import parity_engine
except ImportError:  # run from a clone without PYTHONPATH: the package beside it in the repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python"))
    import parity_engine

ACTIVATIONS = {  # f(x), and f'(x) from the output y = f(x)
    "tanh": (np.tanh, lambda y: 1 - y * y),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda y: y * (1 - y)),
    "relu": (lambda x: np.maximum(x, 0), lambda y: (y > 0).astype(y.dtype)),
}


class Network:
    """Dense layers, each a weight, a bias and an activation; the loss is the mean squared error."""

    def __init__(self, weights, biases, activations, lr, momentum):
        self.weights, self.biases, self.activations = weights, biases, activations
        self.lr, self.momentum = lr, momentum
        self.velocity = [None] * (2 * len(weights))

    def forward(self, x):
        """Every output in order: each layer's pre-activation, then its activation's."""
        self.inputs, outputs = [], []
        for w, b, activation in zip(self.weights, self.biases, self.activations):
            self.inputs.append(x)
            z = x @ w.T + b
            x = ACTIVATIONS[activation][0](z) if activation else z
            outputs += [z, x] if activation else [z]
        return outputs

    def backward(self, outputs, target):
        """MSE's gradient back through every layer: the gradients of each output, of the parameters, and of x."""
        dy = 2 * (outputs[-1] - target) / target.size
        upstream, self.grads, at = [None] * len(outputs), [None] * (2 * len(self.weights)), len(outputs)
        for i in reversed(range(len(self.weights))):
            if self.activations[i]:
                at -= 1
                upstream[at] = dy
                dy = dy * ACTIVATIONS[self.activations[i]][1](outputs[at])
            at -= 1
            upstream[at] = dy
            self.grads[2 * i], self.grads[2 * i + 1] = dy.T @ self.inputs[i], dy.sum(axis=0)
            dy = dy @ self.weights[i]
        return upstream, dy

    def update(self):
        """SGD with momentum, as torch.optim.SGD: the buffer starts at the first gradient."""
        for k, (p, g) in enumerate(zip(self.parameters(), self.grads)):
            self.velocity[k] = g.copy() if self.velocity[k] is None else self.momentum * self.velocity[k] + g
            p -= (self.lr * self.velocity[k]).astype(p.dtype)

    def parameters(self):
        return [p for pair in zip(self.weights, self.biases) for p in pair]


class SeedEngine(parity_engine.Model):
    name = "seed-network"
    covers = {"layers": ["linear", *ACTIVATIONS], "losses": ["mse"], "optimizers": ["sgd"], "schedules": [], "clips": []}

    def build(self, model, tensors):
        layers, options = model["layers"], model["optimizer"]["options"]
        if float(options["dampening"]) or float(options["weight_decay"]) or options["nesterov"] or model["loss"]["options"]["reduction"] != "mean":
            raise NotImplementedError("this network has SGD with momentum alone, and the mean squared error")
        dense = [layer["index"] for layer in layers if layer["kind"] == "linear"]
        activations = [layers[i + 1]["kind"] if i + 1 < len(layers) and layers[i + 1]["kind"] != "linear" else None for i in dense]
        self.names = [f"{i}.{part}" for i in dense for part in ("weight", "bias")]
        self.network = Network([tensors[f"{i}.weight"].copy() for i in dense], [tensors[f"{i}.bias"].copy() for i in dense],
                               activations, float(options["lr"]), float(options["momentum"]))

    def parameters(self):
        return dict(zip(self.names, self.network.parameters()))

    def forward(self, x, masks):
        return self.network.forward(x)

    def gradients(self, x, target, masks):
        outputs = self.network.forward(x)
        upstream, grad_input = self.network.backward(outputs, target)
        return ((outputs[-1] - target) ** 2).mean(), dict(zip(self.names, self.network.grads)), upstream, grad_input

    def step(self):
        self.network.update()

    def evaluate(self, x, target):
        output = self.network.forward(x)[-1]
        return ((output - target) ** 2).mean(), output


if __name__ == "__main__":
    SeedEngine().serve()
