"""Speaks protocol version 2."""
import stub


class WrongVersion(stub.Stub):
    protocol = 2


stub.serve(WrongVersion())
