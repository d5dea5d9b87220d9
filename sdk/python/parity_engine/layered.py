"""The per-layer level: the user registers a class per layer kind, loss and optimizer; the package
builds the Sequential Parity describes (residual blocks included), runs its forward and backward,
names the parameters as PyTorch's state_dict does, hands dropout its masks, and answers every request
of the protocol."""
import time

import numpy as np

from . import training
from .server import BadRequest, need, number, serve

# Optimizer state entries that are one number per parameter (shape []), as PyTorch keeps them.
SCALAR_STATE = {"step", "mu_product"}


class Layer:
    """One layer kind, built from its options as keyword arguments. Before each call the package sets
    `params` and `buffers` ({"weight": array, "c_attn.weight": array, …}, by the name after the layer's
    path), `training`, and `mask` (the batch's "{path}.mask", for dropout and attention dropout).
    `backward` fills `grads` ({"weight": dL/dweight, …}) and returns dL/dx."""

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, dy):
        raise NotImplementedError(f"{type(self).__name__}.backward")


class Dropout(Layer):
    """x·mask/(1 − p) with the batch's mask from Parity in training, x in evaluation and with p = 0 (Parity sends
    no mask then): built in, since the masks are the protocol's."""

    def __init__(self, p):
        self.p = float(p)

    def forward(self, x):
        self.scale = None if not self.training or self.p == 0 else self.mask * (x.dtype.type(1) / x.dtype.type(1 - self.p))
        return x if self.scale is None else x * self.scale

    def backward(self, dy):
        return dy if self.scale is None else dy * self.scale


class Residual:
    """A residual block's entry, listed after the layers it wraps: output = the block's input + its last
    layer's output. The package adds the skip and sends its gradient both ways itself (Sequential._forward,
    _backward); registered so that the handshake declares residual blocks covered."""


class LayeredEngine:
    """Registries of kinds, and the server: `@engine.layer("linear")`, `@engine.loss("mse")`,
    `@engine.optimizer("sgd")`, then `engine.serve()`. What is not registered is declared
    not covered in the handshake, so Parity says so before it builds anything."""

    def __init__(self, name, version=""):
        self.name, self.version = name, version
        self.kinds = {"layers": {"dropout": Dropout, "residual": Residual}, "losses": {}, "optimizers": {},
                      "schedules": dict(training.SCHEDULES), "clips": dict(training.CLIPS)}

    def layer(self, kind):
        return self._register("layers", kind)

    def loss(self, kind):
        """A class built from the loss's options (reduction, …); `forward(p, y)` -> the loss, `backward()` -> dL/dp."""
        return self._register("losses", kind)

    def optimizer(self, kind):
        """A class built from the optimizer's options; `step(params, grads, state)` sets params[name] anew.
        `state` holds "lr" and the entries it keeps as "PARAMETER.KEY" (PyTorch's keys); an optional
        `state_keys()` lists the KEYs its options use, so a foreign entry sent by Parity is refused."""
        return self._register("optimizers", kind)

    def schedule(self, kind):
        return self._register("schedules", kind)

    def clip(self, kind):
        return self._register("clips", kind)

    def _register(self, category, kind):
        def register(made):
            self.kinds[category][kind] = made
            return made
        return register

    def hello(self):
        return {"protocol": 1, "engine": self.name, "version": self.version,
                "covers": {category: sorted(kinds) for category, kinds in self.kinds.items()}}

    def serve(self, stdin=None, stdout=None, stderr=None):
        serve(_Session(self), stdin, stdout, stderr)


class _Session:
    """The requests, answered for the model built last."""

    def __init__(self, engine):
        self.engine, self.model = engine, None

    def hello(self):
        return self.engine.hello()

    def handle(self, method, params, tensors):
        if method == "build":
            self.model = Sequential(self.engine.kinds, params["model"], tensors)
            return {}, {}
        answer = getattr(self.model, "request_" + method, None) if self.model else None
        if answer is None:
            if self.model is None and hasattr(Sequential, "request_" + method):
                raise BadRequest(f"'{method}' before 'build': Parity builds the model first")
            raise NotImplementedError(f"this engine has no request '{method}'")
        return answer(params, tensors)


def _make(kinds, category, described):
    kind, options = described["kind"], described.get("options", {})
    if kind not in kinds[category]:
        raise NotImplementedError(f"this engine has no {category[:-1]} '{kind}' (it has {', '.join(sorted(kinds[category])) or 'none'})")
    return kinds[category][kind](**options)


class Sequential:
    """Parity's flat post-order list of layers: each entry takes the output of the one before it (entry 0
    the model's input), but a residual entry, which adds the input of the first of the `span` entries
    before it (the block's input) to the output of the last."""

    def __init__(self, kinds, model, tensors):
        self.dtype = np.dtype(np.float32 if model["dtype"] == "float32" else np.float64)
        self.layers = [_make(kinds, "layers", layer) for layer in model["layers"]]
        # A description from before residual blocks has neither: each path is the index, no span.
        self.paths = [layer.get("path", str(index)) for index, layer in enumerate(model["layers"])]
        self.spans = [layer.get("span", 0) for layer in model["layers"]]
        self.loss = _make(kinds, "losses", model["loss"])
        self.optimizer = _make(kinds, "optimizers", model["optimizer"])
        self.schedule = _make(kinds, "schedules", model["schedule"]) if model.get("schedule") else None
        clip = model.get("clip")
        if clip and clip["kind"] not in kinds["clips"]:
            raise NotImplementedError(f"this engine has no clip '{clip['kind']}'")
        self.clip = (lambda grads: kinds["clips"][clip["kind"]](grads, **clip["options"])) if clip else None
        self.described = model["parameters"]  # state_dict order: INDEX.NAME, buffers marked
        for index, layer in enumerate(self.layers):
            layer.index, layer.path, layer.params, layer.buffers, layer.grads, layer.training, layer.mask = index, self.paths[index], {}, {}, {}, True, None
        self.request_set_parameters({}, tensors, method="build")
        self.state = {"lr": float(model["optimizer"]["options"]["lr"])}
        if self.schedule:
            self.state["lr"] = training.first_lr(self.schedule, self.state["lr"])

    # ---- naming: "3.weight" is layer 3's params["weight"], "2.1.c_attn.weight" layer 2.1's params["c_attn.weight"]

    def _suffix(self, described):
        return described["name"][len(self.paths[described["layer"]]) + 1:]

    def _slot(self, described):
        layer = self.layers[described["layer"]]
        return (layer.buffers if described.get("buffer") else layer.params), self._suffix(described)

    def _trained(self):
        return [d for d in self.described if not d.get("buffer")]

    def _grad(self, described):
        layer = self.layers[described["layer"]]
        suffix = self._suffix(described)
        if suffix not in layer.grads:
            raise BadRequest(f"{type(layer).__name__}.backward (layer {layer.path}) left no gradient for '{suffix}' in self.grads")
        return np.asarray(layer.grads[suffix], dtype=self.dtype)

    # ---- running the Sequential

    def _forward(self, x, training, tensors, first=0, end=None):
        """Entries first..end-1 run on x, the input of entry `first`: each one's output."""
        outputs = []
        for i in range(first, len(self.layers) if end is None else end):
            layer = self.layers[i]
            if isinstance(layer, Residual):
                start = i - self.spans[i]
                outputs.append((x if start == first else outputs[start - 1 - first]) + outputs[-1])
                continue
            layer.training = training
            layer.mask = tensors.get(f"{layer.path}.mask") if training else None
            outputs.append(layer.forward(outputs[-1] if outputs else x))
        return outputs

    def _targets(self, tensors, method):
        return tensors["classes"] if "classes" in tensors else need(tensors, "y", method)

    def _loss_and_backward(self, tensors, method):
        for layer in self.layers:
            layer.grads = {}
        outputs = self._forward(need(tensors, "x", method), True, tensors)
        loss = self.loss.forward(outputs[-1], self._targets(tensors, method))
        return loss, self._backward(self.loss.backward())

    def _backward(self, g, first=0, end=None):
        """From g = dL/d(output of entry end-1) back to entry `first`: dL/d(each entry's output), and dL/d(its input)."""
        end = len(self.layers) if end is None else end
        # grads[k] is dL/d(output of entry first+k-1), grads[0] dL/d(the input); an output feeding two
        # places (a block's input, also its skip) sums both, never in place: a gradient may be shared.
        grads = [None] * (end - first) + [g]

        def add(k, g):
            grads[k] = g if grads[k] is None else grads[k] + g

        for i in reversed(range(first, end)):
            k = i - first + 1
            if isinstance(self.layers[i], Residual):
                add(k - 1, grads[k])
                add(i - self.spans[i] - first, grads[k])
            else:
                add(k - 1, self._input_gradient(self.layers[i], grads[k]))
        return grads[1:], grads[0]

    @staticmethod
    def _input_gradient(layer, dy):
        dx = layer.backward(dy)
        if dx is None:
            raise BadRequest(f"{type(layer).__name__}.backward (layer {layer.path}) returned no gradient of its input: "
                             "return dL/dx (zeros shaped as the ids, for token ids)")
        return dx

    def _step(self):
        grads = {d["name"]: self._grad(d) for d in self._trained()}
        if self.clip:
            self.clip(grads)
        params = {d["name"]: self._slot(d)[0][self._slot(d)[1]] for d in self._trained()}
        self.optimizer.step(params, grads, self.state)
        for d in self._trained():
            slot, suffix = self._slot(d)
            slot[suffix] = np.asarray(params[d["name"]], dtype=self.dtype)

    def _cast(self, tensors):
        return {name: np.asarray(value, dtype=self.dtype) for name, value in tensors.items()}

    # ---- the requests

    def request_get_parameters(self, params, tensors):
        return {}, self._cast({d["name"]: self._slot(d)[0][self._slot(d)[1]] for d in self.described})

    def request_set_parameters(self, params, tensors, method="set_parameters"):
        for d in self.described:
            slot, suffix = self._slot(d)
            slot[suffix] = need(tensors, d["name"], method).astype(self.dtype)
        return {}, {}

    def request_forward(self, params, tensors):
        # A training forward without side effects: the buffers it moves are put back.
        saved = [{k: v.copy() for k, v in layer.buffers.items()} for layer in self.layers]
        outputs = self._forward(need(tensors, "x", "forward"), True, tensors)
        for layer, buffers in zip(self.layers, saved):
            layer.buffers.update(buffers)
        return {}, self._cast({str(i): y for i, y in enumerate(outputs)})

    def request_gradients(self, params, tensors):
        loss, (upstream, g) = self._loss_and_backward(tensors, "gradients")
        out = {d["name"]: self._grad(d) for d in self._trained()}
        out.update({f"output.{i}": u for i, u in enumerate(upstream)})
        out["input"] = g
        return {"loss": number(loss)}, self._cast(out)

    def request_step(self, params, tensors):
        self._step()
        return {}, {}

    def request_train_step(self, params, tensors):
        loss, _ = self._loss_and_backward(tensors, "train_step")
        self._step()
        return {"loss": number(loss)}, {}

    def request_evaluate(self, params, tensors):
        output = self._forward(need(tensors, "x", "evaluate"), False, tensors)[-1]
        loss = self.loss.forward(output, self._targets(tensors, "evaluate"))
        return {"loss": number(loss)}, self._cast({"output": output.reshape(len(output), -1)})

    def request_end_epoch(self, params, tensors):
        if self.schedule:
            self.schedule.step(self.state)
        return {}, {}

    def request_run_layer(self, params, tensors):
        index = params.get("layer")
        if not isinstance(index, int) or not 0 <= index < len(self.layers):
            raise BadRequest(f"run_layer's layer {index!r} is not one of the model's {len(self.layers)} layers")
        # A residual block runs with the layers it wraps; any other layer alone.
        first, end = index - self.spans[index], index + 1
        training = params.get("training", True) is not False
        output = self._forward(need(tensors, "x", "run_layer"), training, tensors, first, end)[-1]
        if not training:
            return {}, self._cast({"output": output})
        for layer in self.layers[first:end]:
            layer.grads = {}
        _, grad_input = self._backward(need(tensors, "grad_output", "run_layer"), first, end)
        out = {"output": output, "grad_input": grad_input}
        out.update({d["name"]: self._grad(d) for d in self._trained() if first <= d["layer"] <= index})
        return {}, self._cast(out)

    def request_time_phases(self, params, tensors):
        times = {"forward": [], "backward": [], "step": []}
        for _ in range(int(params.get("repetitions", 1))):
            t0 = time.perf_counter()
            for layer in self.layers:
                layer.grads = {}
            outputs = self._forward(need(tensors, "x", "time_phases"), True, tensors)
            self.loss.forward(outputs[-1], self._targets(tensors, "time_phases"))
            t1 = time.perf_counter()
            self._backward(self.loss.backward())
            t2 = time.perf_counter()
            self._step()
            t3 = time.perf_counter()
            times["forward"].append(t1 - t0)
            times["backward"].append(t2 - t1)
            times["step"].append(t3 - t2)
        return times, {}

    def request_get_optimizer_state(self, params, tensors):
        return {}, self._cast(self.state)

    def request_set_optimizer_state(self, params, tensors):
        keys = self.optimizer.state_keys() if hasattr(self.optimizer, "state_keys") else None
        shapes = {d["name"]: d["shape"] for d in self._trained()}
        state = {"lr": self.state["lr"]}
        for name, value in tensors.items():
            if name == "lr":
                state["lr"] = float(value)
                continue
            parameter, _, key = name.rpartition(".")
            if parameter not in shapes or (keys is not None and key not in keys):
                raise BadRequest(f"optimizer state entry {name} is not one this optimizer's options use")
            expected = [] if key in SCALAR_STATE else shapes[parameter]
            if list(value.shape) != list(expected):
                raise BadRequest(f"optimizer state entry {name} has shape {list(value.shape)}, expected {expected}")
            state[name] = value.astype(self.dtype)
        self.state = state
        return {}, {}
