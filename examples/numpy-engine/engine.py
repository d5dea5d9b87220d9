#!/usr/bin/env python3
"""A small neural-network engine with hand-written backpropagation, in numpy, that speaks Parity's
engine protocol (version 1) on stdin/stdout, so that `parity check` can compare it with PyTorch.

    parity check parity-tests/specs/xor-tanh-bce.yaml --engine "exec:python3 examples/numpy-engine/engine.py"

Options:
    --bug bias-grad-mean   plant a realistic bug: the bias gradient is averaged over the batch's rows,
                           although the loss's mean has already divided by the batch size.
"""
import argparse
import base64
import json
import math
import struct
import sys
import time
import traceback

import numpy as np

PROTOCOL = 1


# ---------------------------------------------------------------- modules

class Parameter:
    def __init__(self, value):
        self.value = value
        self.grad = np.zeros_like(value)


class Module:
    """Every layer keeps what its backward needs from its forward."""

    def parameters(self):
        return {}  # name suffix -> Parameter

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_output):
        raise NotImplementedError


class Linear(Module):
    def __init__(self, in_features, out_features, bias, dtype, bug):
        self.weight = Parameter(np.zeros((out_features, in_features), dtype))
        self.bias = Parameter(np.zeros(out_features, dtype)) if bias else None
        self.bug = bug

    def parameters(self):
        return {"weight": self.weight, "bias": self.bias} if self.bias else {"weight": self.weight}

    def forward(self, x):
        self.x = x
        y = x @ self.weight.value.T
        return y + self.bias.value if self.bias else y

    def backward(self, grad_output):
        self.weight.grad += grad_output.T @ self.x
        if self.bias:
            if self.bug == "bias-grad-mean":
                self.bias.grad += grad_output.mean(axis=0)  # BUG: the loss already took the mean
            else:
                self.bias.grad += grad_output.sum(axis=0)
        return grad_output @ self.weight.value


class ReLU(Module):
    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0).astype(x.dtype)

    def backward(self, grad_output):
        return grad_output * self.mask


class LeakyReLU(Module):
    def __init__(self, slope):
        self.slope = slope

    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, self.slope * x).astype(x.dtype)

    def backward(self, grad_output):
        return np.where(self.mask, grad_output, self.slope * grad_output).astype(grad_output.dtype)


class Tanh(Module):
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad_output):
        return grad_output * (1 - self.y * self.y)


class Sigmoid(Module):
    def forward(self, x):
        self.y = sigmoid(x)
        return self.y

    def backward(self, grad_output):
        return grad_output * self.y * (1 - self.y)


class Softmax(Module):
    """Over the features of each row (dim 1)."""

    def forward(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return self.y

    def backward(self, grad_output):
        return self.y * (grad_output - (grad_output * self.y).sum(axis=1, keepdims=True))


class Identity(Module):
    def forward(self, x):
        return x

    def backward(self, grad_output):
        return grad_output


class Dropout(Module):
    """x * mask / (1 - p) in training, with the batch's mask from Parity; x itself in evaluation."""

    def __init__(self, p, dtype):
        self.keep = dtype(1) / dtype(1 - p)  # rounded to the dtype, as PyTorch's noise.div_(1 - p)
        self.scaled = None

    def train(self, mask):
        self.scaled = None if mask is None else mask * self.keep

    def forward(self, x):
        return x if self.scaled is None else x * self.scaled

    def backward(self, grad_output):
        return grad_output if self.scaled is None else grad_output * self.scaled


def sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


# ---------------------------------------------------------------- losses (PyTorch's formulas)

class MSELoss:
    def __init__(self, reduction):
        self.reduction = reduction

    def forward(self, p, y):
        self.diff = p - y
        total = (self.diff * self.diff).sum()
        return total / self.diff.size if self.reduction == "mean" else total

    def backward(self):
        g = 2 * self.diff
        return g / self.diff.size if self.reduction == "mean" else g


class BCELoss:
    def __init__(self, reduction):
        self.reduction = reduction

    def forward(self, p, y):
        self.p, self.y = p, y
        with np.errstate(divide="ignore"):  # log(0) is -inf, clamped at -100 as PyTorch does
            losses = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))
        return losses.mean() if self.reduction == "mean" else losses.sum()

    def backward(self):
        g = (self.p - self.y) / np.maximum((1 - self.p) * self.p, float(np.float32(1e-12)))  # PyTorch's EPSILON is a float
        return g / self.p.size if self.reduction == "mean" else g


class BCEWithLogitsLoss:
    def __init__(self, reduction):
        self.reduction = reduction

    def forward(self, x, y):
        self.x, self.y = x, y
        m = np.maximum(-x, 0)
        losses = (1 - y) * x + m + np.log(np.exp(-m) + np.exp(-x - m))
        return losses.mean() if self.reduction == "mean" else losses.sum()

    def backward(self):
        g = sigmoid(self.x) - self.y
        return g / self.x.size if self.reduction == "mean" else g


class CrossEntropyLoss:
    """Logits [rows, classes] and class indices [rows]."""

    def __init__(self, reduction):
        self.reduction = reduction

    def forward(self, z, classes):
        shifted = z - z.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_p = shifted - log_sum
        self.p = np.exp(log_p)
        self.classes = classes
        losses = -log_p[np.arange(len(classes)), classes]
        return losses.mean() if self.reduction == "mean" else losses.sum()

    def backward(self):
        g = self.p.copy()
        g[np.arange(len(self.classes)), self.classes] -= 1
        return g / len(self.classes) if self.reduction == "mean" else g


# ---------------------------------------------------------------- optimizer, clipping, schedules

class SGD:
    """torch.optim.SGD: weight decay, momentum with dampening, Nesterov."""

    def __init__(self, parameters, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        self.parameters = parameters
        self.lr, self.momentum, self.dampening = lr, momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov
        self.buffers = [None] * len(parameters)

    def step(self):
        for i, p in enumerate(self.parameters):
            g = p.grad
            if self.weight_decay != 0:
                g = g + self.weight_decay * p.value
            if self.momentum != 0:
                if self.buffers[i] is None:
                    self.buffers[i] = g.copy()
                else:
                    self.buffers[i] = self.momentum * self.buffers[i] + (1 - self.dampening) * g
                g = g + self.momentum * self.buffers[i] if self.nesterov else self.buffers[i]
            p.value -= (self.lr * g).astype(p.value.dtype)


def clip_grad_norm(parameters, max_norm):
    """torch.nn.utils.clip_grad_norm_: one 2-norm over all gradients."""
    total = math.sqrt(sum(float((p.grad.astype(np.float64) ** 2).sum()) for p in parameters))
    factor = max_norm / (total + 1e-6)
    if factor < 1:
        for p in parameters:
            p.grad *= p.grad.dtype.type(factor)


def clip_grad_value(parameters, clip_value):
    for p in parameters:
        np.clip(p.grad, -clip_value, clip_value, out=p.grad)


class Schedule:
    """StepLR and ExponentialLR, stepped once per epoch."""

    def __init__(self, optimizer, kind, options):
        self.optimizer, self.kind, self.options = optimizer, kind, options
        self.epoch = 0

    def step(self):
        self.epoch += 1
        if self.kind == "exponential" or self.epoch % self.options["step_size"] == 0:
            self.optimizer.lr *= self.options["gamma"]


# ---------------------------------------------------------------- the model built from Parity's description

class Engine:
    def __init__(self, bug):
        self.bug = bug

    def build(self, model, tensors):
        self.dtype = np.float32 if model["dtype"] == "float32" else np.float64
        self.layers = [self.layer(layer) for layer in model["layers"]]
        self.params = {}  # state_dict name -> Parameter, in order
        for index, layer in enumerate(self.layers):
            for suffix, parameter in layer.parameters().items():
                self.params[f"{index}.{suffix}"] = parameter
        self.set_parameters(tensors)
        loss = model["loss"]
        self.loss = {"mse": MSELoss, "bce": BCELoss, "bce-with-logits": BCEWithLogitsLoss,
                     "cross-entropy": CrossEntropyLoss}[loss["kind"]](loss["options"]["reduction"])
        if model["optimizer"]["kind"] != "sgd":
            raise NotImplementedError(f"optimizer {model['optimizer']['kind']}")
        self.optimizer = SGD(list(self.params.values()), **model["optimizer"]["options"])
        self.clip = model["clip"]
        self.schedule = Schedule(self.optimizer, model["schedule"]["kind"], model["schedule"]["options"]) if model["schedule"] else None

    def layer(self, layer):
        kind, options = layer["kind"], layer["options"]
        if kind == "linear":
            return Linear(options["in_features"], options["out_features"], options["bias"], self.dtype, self.bug)
        if kind == "leaky-relu":
            return LeakyReLU(options["negative_slope"])
        if kind == "softmax" and options["dim"] == 1:
            return Softmax()
        if kind == "dropout":
            return Dropout(options["p"], self.dtype)
        simple = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "identity": Identity}
        if kind not in simple:
            raise NotImplementedError(f"layer {kind} {json.dumps(options)}")
        return simple[kind]()

    def set_parameters(self, tensors):
        for name, parameter in self.params.items():
            parameter.value = tensors[name].astype(self.dtype)
            parameter.grad = np.zeros_like(parameter.value)

    def optimizer_state(self):
        """get_optimizer_state: the momentum buffers PyTorch holds (none before the first step), and the lr in effect."""
        state = {f"{name}.momentum_buffer": buffer for name, buffer in zip(self.params, self.optimizer.buffers) if buffer is not None}
        state["lr"] = np.array(self.optimizer.lr, dtype=self.dtype)
        return state

    def set_optimizer_state(self, tensors):
        """set_optimizer_state: the whole state replaced; a buffer left out is not made yet, and the next step starts it."""
        known = {f"{name}.momentum_buffer" for name in self.params} if self.optimizer.momentum != 0 else set()
        unknown = sorted(set(tensors) - known - {"lr"})
        if unknown:
            raise ValueError(f"optimizer state entry {unknown[0]} is not one this optimizer's options use")
        self.optimizer.buffers = [tensors[f"{name}.momentum_buffer"].astype(self.dtype) if f"{name}.momentum_buffer" in tensors else None
                                  for name in self.params]
        if "lr" in tensors:
            self.optimizer.lr = float(tensors["lr"])

    def forward(self, x, tensors=None):
        """In training (tensors given) each dropout layer takes its mask "INDEX.mask"; in evaluation none."""
        for index, layer in enumerate(self.layers):
            if isinstance(layer, Dropout):
                layer.train(None if tensors is None else tensors[f"{index}.mask"])
        outputs = []
        for layer in self.layers:
            x = layer.forward(x)
            outputs.append(x)
        return outputs

    def run_layer(self, index, tensors):
        """run_layer: one layer's training forward on x and its backward from grad_output, its gradients from zero."""
        layer = self.layers[index]
        if isinstance(layer, Dropout):
            layer.train(tensors[f"{index}.mask"])
        for parameter in layer.parameters().values():
            parameter.grad[...] = 0
        output = layer.forward(tensors["x"])
        return output, layer.backward(tensors["grad_output"])

    def run_layer_evaluation(self, index, x):
        """run_layer with "training": false: one layer's evaluation forward on x alone (dropout passes x through)."""
        layer = self.layers[index]
        if isinstance(layer, Dropout):
            layer.train(None)
        return layer.forward(x)

    def targets(self, tensors):
        return tensors["classes"] if "classes" in tensors else tensors["y"]

    def zero_grad(self):
        for parameter in self.params.values():
            parameter.grad[...] = 0

    def loss_of(self, tensors):
        """Zero grad, forward, loss."""
        self.zero_grad()
        return self.loss.forward(self.forward(tensors["x"], tensors)[-1], self.targets(tensors))

    def backward(self):
        """Returns dL/d(output) of every layer and dL/d(input)."""
        g = self.loss.backward()
        grads = [None] * len(self.layers)
        for i in reversed(range(len(self.layers))):
            grads[i] = g
            g = self.layers[i].backward(g)
        return grads, g

    def step(self):
        parameters = list(self.params.values())
        if self.clip and self.clip["kind"] == "norm":
            clip_grad_norm(parameters, self.clip["options"]["max_norm"])
        elif self.clip:
            clip_grad_value(parameters, self.clip["options"]["clip_value"])
        self.optimizer.step()


# ---------------------------------------------------------------- the protocol

DTYPE_NAMES = {np.dtype(np.float64): "F64", np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}
DTYPES = {name: dtype for dtype, name in DTYPE_NAMES.items()}


def decode_tensors(text):
    """A base64 safetensors blob -> {name: array}."""
    blob = base64.b64decode(text)
    (header_length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_length])
    data = blob[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]].newbyteorder("<")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(entry["shape"]).copy()
    return tensors


def encode_tensors(tensors):
    """{name: array} -> a base64 safetensors blob."""
    header, chunks, offset = {}, [], 0
    for name, array in tensors.items():
        # Not ascontiguousarray: it makes a scalar (shape [], as the optimizer state's lr) one-dimensional.
        array = np.asarray(array, order="C")
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPE_NAMES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return base64.b64encode(struct.pack("<Q", len(text)) + text + b"".join(chunks)).decode("ascii")


def number(x):
    """JSON has no NaN or infinity: the protocol writes them as strings."""
    x = float(x)
    return x if math.isfinite(x) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(x)]


def handle(engine, method, params, tensors):
    """One request -> (result, tensors)."""
    if method == "hello":
        return {"protocol": PROTOCOL, "engine": "numpy-engine" + (f" --bug {engine.bug}" if engine.bug else ""), "version": np.__version__}, {}
    if method == "build":
        engine.build(params["model"], tensors)
        return {}, {}
    if method == "get_parameters":
        return {}, {name: p.value for name, p in engine.params.items()}
    if method == "set_parameters":
        engine.set_parameters(tensors)
        return {}, {}
    if method == "get_optimizer_state":
        return {}, engine.optimizer_state()
    if method == "set_optimizer_state":
        engine.set_optimizer_state(tensors)
        return {}, {}
    if method == "run_layer" and params.get("training") is False:
        return {}, {"output": engine.run_layer_evaluation(params["layer"], tensors["x"])}
    if method == "run_layer":
        index = params["layer"]
        output, grad_input = engine.run_layer(index, tensors)
        result = {name: p.grad for name, p in engine.params.items() if name.split(".")[0] == str(index)}
        result.update({"output": output, "grad_input": grad_input})
        return {}, result
    if method == "forward":
        return {}, {str(i): output for i, output in enumerate(engine.forward(tensors["x"], tensors))}
    if method == "gradients":
        loss = engine.loss_of(tensors)
        layer_grads, input_grad = engine.backward()
        result = {name: p.grad for name, p in engine.params.items()}
        result.update({f"output.{i}": g for i, g in enumerate(layer_grads)})
        result["input"] = input_grad
        return {"loss": number(loss)}, result
    if method == "step":
        engine.step()
        return {}, {}
    if method == "train_step":
        loss = engine.loss_of(tensors)
        engine.backward()
        engine.step()
        return {"loss": number(loss)}, {}
    if method == "evaluate":
        output = engine.forward(tensors["x"])[-1]
        return {"loss": number(engine.loss.forward(output, engine.targets(tensors)))}, {"output": output}
    if method == "end_epoch":
        if engine.schedule:
            engine.schedule.step()
        return {}, {}
    if method == "time_phases":
        times = {"forward": [], "backward": [], "step": []}
        for _ in range(params["repetitions"]):
            t0 = time.perf_counter()
            engine.loss_of(tensors)
            t1 = time.perf_counter()
            engine.backward()
            t2 = time.perf_counter()
            engine.step()
            t3 = time.perf_counter()
            times["forward"].append(t1 - t0)
            times["backward"].append(t2 - t1)
            times["step"].append(t3 - t2)
        return times, {}
    if method == "shutdown":
        return {}, {}
    raise NotImplementedError(method)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bug", choices=["bias-grad-mean"], help="plant a realistic bug")
    engine = Engine(parser.parse_args().bug)
    # Binary lines: a batch is a megabyte of base64, which text-mode decoding reads several times slower.
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            tensors = decode_tensors(request["tensors"]) if "tensors" in request else {}
            result, out = handle(engine, request["method"], request.get("params", {}), tensors)
            response = {"id": request["id"], "result": result}
            if out:
                response["tensors"] = encode_tensors(out)
        except NotImplementedError as e:
            response = {"id": request["id"], "error": {"code": "not-implemented", "message": str(e)}}
        except Exception as e:
            traceback.print_exc()  # stderr: Parity shows it, prefixed with the engine's name
            response = {"id": request["id"], "error": {"code": "failed", "message": f"{type(e).__name__}: {e}"}}
        sys.stdout.buffer.write(json.dumps(response).encode() + b"\n")
        sys.stdout.buffer.flush()
        if request["method"] == "shutdown":
            break


if __name__ == "__main__":
    main()
