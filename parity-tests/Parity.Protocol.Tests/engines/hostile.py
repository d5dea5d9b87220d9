"""Engines that attack Parity itself rather than break the protocol, for the hostile-input catalogue
(HostileInputCatalogueTests): `hostile.py MODE MARKER [ARG]`. Each first leaves two processes
behind, as careless engines do — a background child (`sleep 779 &`) and a grandchild in a session of
its own (`setsid -f`) — both carrying MARKER in their command line, so that a test can find any
that survive Parity. Then, on 'gradients':

  stderr-flood    writes one endless line to stderr and never answers
  long-line N     answers with a stdout line of N bytes
  hang            never answers (for Ctrl-C and the timeout)
  numpy PATH      is the example numpy engine at PATH, a correct engine, from the start
"""
import os
import subprocess
import sys
import time

import stub

mode, marker = sys.argv[1], sys.argv[2]
sleeper = [sys.executable, "-c", "import time; time.sleep(779)", marker]
subprocess.Popen(sleeper, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.run(["setsid", "-f"] + sleeper, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

if mode == "numpy":
    print(f"pid {os.getpid()}", file=sys.stderr, flush=True)
    os.execv(sys.executable, [sys.executable, sys.argv[3]])


class Hostile(stub.Stub):
    def gradients(self, params, tensors):
        print("hanging", file=sys.stderr, flush=True)
        if mode == "stderr-flood":
            chunk = "E" * 65536
            while True:
                sys.stderr.write(chunk)
        if mode == "long-line":
            size, chunk = int(sys.argv[3]), "A" * (1 << 20)
            for _ in range(size // len(chunk)):
                sys.stdout.write(chunk)
            sys.stdout.write("\n")
            sys.stdout.flush()
        time.sleep(779)


stub.serve(Hostile())
