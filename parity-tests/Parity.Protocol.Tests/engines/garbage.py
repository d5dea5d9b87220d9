"""Prints a debugging line to stdout, where only responses belong, before answering 'gradients'."""
import stub


class Garbage(stub.Stub):
    def gradients(self, params, tensors):
        print("debug: computing gradients for " + "x" * 300, flush=True)
        return super().gradients(params, tensors)


stub.serve(Garbage())
