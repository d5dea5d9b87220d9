"""Dies in the middle of 'gradients': exits with code 3, or with --signal is killed by SIGKILL."""
import os
import signal
import sys

import stub


class Crashing(stub.Stub):
    def gradients(self, params, tensors):
        print("computing the gradients", file=sys.stderr, flush=True)
        print("MemoryError: cannot allocate the activations", file=sys.stderr, flush=True)
        if "--signal" in sys.argv:
            os.kill(os.getpid(), signal.SIGKILL)
        sys.exit(3)


stub.serve(Crashing())
