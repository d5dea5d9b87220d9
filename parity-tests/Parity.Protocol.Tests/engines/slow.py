"""Never answers 'gradients' in time."""
import time

import stub


class Slow(stub.Stub):
    def gradients(self, params, tensors):
        time.sleep(60)
        return super().gradients(params, tensors)


stub.serve(Slow())
