"""Has no 'gradients'."""
import stub


class NotImplementing(stub.Stub):
    gradients = None


stub.serve(NotImplementing())
