"""The harness floor: a do-nothing Jupyter kernel in Python (pyzmq only). It answers
kernel_info and execute with the minimum protocol (busy, reply, idle) and computes
nothing, so its round trip is what the harness itself costs."""
import json
import sys

import zmq
from jupyter_client.session import Session


def main(path):
    cfg = json.load(open(path))
    ctx = zmq.Context()
    url = lambda p: f"{cfg['transport']}://{cfg['ip']}:{cfg[p]}"
    shell, control = ctx.socket(zmq.ROUTER), ctx.socket(zmq.ROUTER)
    iopub, hb = ctx.socket(zmq.PUB), ctx.socket(zmq.ROUTER)
    shell.bind(url("shell_port"))
    control.bind(url("control_port"))
    iopub.bind(url("iopub_port"))
    hb.bind(url("hb_port"))
    session = Session(key=cfg["key"].encode(), signature_scheme=cfg["signature_scheme"])
    poller = zmq.Poller()
    for s in (shell, control, hb):
        poller.register(s, zmq.POLLIN)
    count = 0
    while True:
        for sock, _ in poller.poll():
            if sock is hb:
                hb.send_multipart(hb.recv_multipart())
                continue
            idents, msg = session.feed_identities(sock.recv_multipart())
            msg = session.deserialize(msg)
            kind = msg["header"]["msg_type"]
            session.send(iopub, "status", {"execution_state": "busy"}, parent=msg)
            if kind == "kernel_info_request":
                session.send(sock, "kernel_info_reply", {"status": "ok", "protocol_version": "5.4"},
                             parent=msg, ident=idents)
            elif kind == "execute_request":
                count += 1
                session.send(sock, "execute_reply", {"status": "ok", "execution_count": count},
                             parent=msg, ident=idents)
            elif kind == "shutdown_request":
                session.send(sock, "shutdown_reply", {"status": "ok", "restart": False}, parent=msg, ident=idents)
                session.send(iopub, "status", {"execution_state": "idle"}, parent=msg)
                return
            session.send(iopub, "status", {"execution_state": "idle"}, parent=msg)


if __name__ == "__main__":
    main(sys.argv[sys.argv.index("-f") + 1] if "-f" in sys.argv else sys.argv[1])
