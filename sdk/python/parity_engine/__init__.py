"""parity_engine: speaks Parity's engine protocol (version 1) for a hand-written backprop engine.

Per layer:    engine = LayeredEngine("my-engine"); @engine.layer("relu") class ReLU(Layer): ...; engine.serve()
Whole model:  class Mine(Model): build, parameters, forward, gradients, step, evaluate; Mine().serve()

See docs/python.md in Parity's repository (or `parity sdk python --out DIR`)."""
from .layered import Dropout, Layer, LayeredEngine
from .server import PROTOCOL, BadRequest, serve
from .whole_model import Model

__all__ = ["PROTOCOL", "BadRequest", "Dropout", "Layer", "LayeredEngine", "Model", "serve"]
