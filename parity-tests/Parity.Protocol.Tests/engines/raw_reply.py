"""Answers one method with a line given on the command line, as it is but for {id}, the request's id:
    raw_reply.py METHOD LINE"""
import sys

import stub


class RawReply(stub.Stub):
    def raw_line(self, request):
        return sys.argv[2].replace("{id}", str(request["id"])) if request["method"] == sys.argv[1] else None


stub.serve(RawReply())
