"""Declares what it covers in the handshake as a list, not an object of kind lists by category."""
import stub


class CoversMalformed(stub.Stub):
    def hello(self, params, tensors):
        result, out = super().hello(params, tensors)
        return dict(result, covers=["linear", "tanh"]), out


stub.serve(CoversMalformed())
