"""The whole-model level, for an engine that already has its own model class: the user subclasses
`Model` and writes its callbacks; the package answers the protocol with them."""
import numpy as np

from .server import BadRequest, need, number, serve


class Model:
    """Override `build`, `parameters`, `forward`, `gradients`, `step` and `evaluate`; `end_epoch`,
    `optimizer_state` and `set_optimizer_state` only if the model has a schedule or shares its state.
    `covers` ({"layers": [...], "losses": [...], …}) declares the kinds it has, for the handshake."""

    name = "python-engine"
    version = ""
    covers = None

    def build(self, model, tensors):
        """`model` is Parity's description (a dict); `tensors` the initial parameters by name."""
        raise NotImplementedError("build")

    def parameters(self):
        """{name: array}, every parameter and buffer under its state_dict name ("0.weight"); `set_parameters` writes into these arrays."""
        raise NotImplementedError("parameters")

    def forward(self, x, masks):
        """The training forward without side effects: each layer's output, in order. `masks` maps a dropout layer's
        index to its mask (its path, a string such as "3.1", for a layer inside a residual block)."""
        raise NotImplementedError("forward")

    def gradients(self, x, target, masks):
        """Zero grad, forward, loss, backward: (loss, {name: dL/dparameter}, [dL/d(each layer's output)], dL/dx). The gradients stay for `step`."""
        raise NotImplementedError("gradients")

    def step(self):
        """Clip the gradients `gradients` left as the model's clip says, and take one optimizer step."""
        raise NotImplementedError("step")

    def evaluate(self, x, target):
        """Evaluation mode, changing nothing: (loss, the last layer's output)."""
        raise NotImplementedError("evaluate")

    def end_epoch(self):
        """One step of the schedule; nothing without one."""

    def optimizer_state(self):
        raise NotImplementedError("get_optimizer_state: this engine keeps its optimizer state to itself")

    def set_optimizer_state(self, state):
        raise NotImplementedError("set_optimizer_state: this engine cannot replace its optimizer state")

    def serve(self, stdin=None, stdout=None, stderr=None):
        serve(_Session(self), stdin, stdout, stderr)


def _masks(tensors):
    paths = {name[:-len(".mask")]: value for name, value in tensors.items() if name.endswith(".mask")}
    return {int(path) if path.isdigit() else path: value for path, value in paths.items()}


def _target(tensors, method):
    return tensors["classes"] if "classes" in tensors else need(tensors, "y", method)


class _Session:
    def __init__(self, model):
        self.model, self.dtype = model, None

    def hello(self):
        result = {"protocol": 1, "engine": self.model.name, "version": self.model.version}
        if self.model.covers is not None:
            result["covers"] = self.model.covers
        return result

    def _cast(self, tensors):
        return {name: np.asarray(value, dtype=self.dtype) for name, value in tensors.items()}

    def handle(self, method, params, tensors):
        m = self.model
        if method == "build":
            self.dtype = np.dtype(np.float32 if params["model"]["dtype"] == "float32" else np.float64)
            m.build(params["model"], tensors)
            return {}, {}
        if self.dtype is None:
            raise BadRequest(f"'{method}' before 'build': Parity builds the model first")
        if method == "get_parameters":
            return {}, self._cast(m.parameters())
        if method == "set_parameters":
            for name, array in m.parameters().items():
                array[...] = need(tensors, name, method)
            return {}, {}
        if method == "forward":
            return {}, self._cast({str(i): y for i, y in enumerate(m.forward(need(tensors, "x", method), _masks(tensors)))})
        if method in ("gradients", "train_step"):
            loss, grads, upstream, grad_input = m.gradients(need(tensors, "x", method), _target(tensors, method), _masks(tensors))
            if method == "train_step":
                m.step()
                return {"loss": number(loss)}, {}
            out = dict(grads)
            out.update({f"output.{i}": g for i, g in enumerate(upstream)})
            out["input"] = grad_input
            return {"loss": number(loss)}, self._cast(out)
        if method == "step":
            m.step()
            return {}, {}
        if method == "evaluate":
            loss, output = m.evaluate(need(tensors, "x", method), _target(tensors, method))
            return {"loss": number(loss)}, self._cast({"output": np.reshape(output, (len(output), -1))})
        if method == "end_epoch":
            m.end_epoch()
            return {}, {}
        if method == "get_optimizer_state":
            return {}, self._cast(m.optimizer_state())
        if method == "set_optimizer_state":
            m.set_optimizer_state(tensors)
            return {}, {}
        raise NotImplementedError(f"this engine has no request '{method}'")
