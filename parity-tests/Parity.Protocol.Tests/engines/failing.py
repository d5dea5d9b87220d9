"""Answers 'gradients' with an error of code failed, as an engine whose computation raised does."""
import stub


class Failing(stub.Stub):
    def gradients(self, params, tensors):
        raise ValueError("matmul: shapes (4,2) and (4,2) not aligned")


stub.serve(Failing())
