"""Sends the gradient of 0.weight transposed."""
import stub


class WrongShape(stub.Stub):
    def gradients(self, params, tensors):
        result, out = super().gradients(params, tensors)
        dtype, shape = out["0.weight"]
        out["0.weight"] = (dtype, list(reversed(shape)))
        return result, out


stub.serve(WrongShape())
