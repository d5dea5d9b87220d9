"""Names the gradient of 0.weight '0.weights'."""
import stub


class WrongName(stub.Stub):
    def gradients(self, params, tensors):
        result, out = super().gradients(params, tensors)
        out["0.weights"] = out.pop("0.weight")
        return result, out


stub.serve(WrongName())
