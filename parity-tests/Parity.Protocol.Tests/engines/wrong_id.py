"""Answers 'gradients' with the id of the request before."""
import stub


class WrongId(stub.Stub):
    def answer_id(self, request):
        return request["id"] - 1 if request["method"] == "gradients" else request["id"]


stub.serve(WrongId())
