"""The loop every python interop peer runs (tests/support/peer_process.hpp is the other end):
one JSON request per line on stdin, one JSON reply per line on stdout. A refusal is a reply,
{"ok": false, "error": "<exception type>: <text>"}, never a crash; any other reply gets
"ok": true. "quit" ends the loop after its reply.

`handle(req)` returns the reply (a dict) or an awaitable of one: async handlers all run on one
event loop, so the tasks a library starts (python-omemo's) live across requests. `after(reply)`
may add to every reply, refusals included (an outbox)."""
import asyncio
import inspect
import json
import sys


def serve(handle, after=None):
    loop = asyncio.new_event_loop()
    for line in sys.stdin:
        req = {}
        try:
            req = json.loads(line)
            reply = handle(req)
            if inspect.isawaitable(reply):
                reply = loop.run_until_complete(reply)
            reply["ok"] = True
        except Exception as e:  # every refusal goes back as a reply
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        if after is not None:
            after(reply)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if req.get("cmd") == "quit":
            break
