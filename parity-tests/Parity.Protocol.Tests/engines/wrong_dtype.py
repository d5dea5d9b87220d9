"""Sends gradients in float32 whatever the model's dtype."""
import stub


class WrongDType(stub.Stub):
    def gradients(self, params, tensors):
        result, out = super().gradients(params, tensors)
        return result, {name: ("F32", shape) for name, (_, shape) in out.items()}


stub.serve(WrongDType())
