"""Bounded, seeded fuzzing of the shell and control sockets: random and mutated
multipart messages, most re-signed with the key so they get past the signature check
and reach the JSON parser and the dispatcher. The kernel must never die and must still
answer afterwards. TABBY_FUZZ_COUNT and TABBY_FUZZ_SEED override the defaults."""
import json
import os
import random
import time

DELIM = b"<IDS|MSG>"
COUNT = int(os.environ.get("TABBY_FUZZ_COUNT", "100000"))
SEED = int(os.environ.get("TABBY_FUZZ_SEED", "20261123"))

# Requests the fuzzer may build. No shutdown (it would end the run by design) and no
# stdin (a cell waiting for input would stall the shell until it is answered).
TEMPLATES = [
    ("kernel_info_request", {}),
    ("complete_request", {"code": "pri", "cursor_pos": 3}),
    ("inspect_request", {"code": "print", "cursor_pos": 5, "detail_level": 0}),
    ("is_complete_request", {"code": "print(1"}),
    ("history_request", {"hist_access_type": "tail", "n": 3, "output": True, "raw": True}),
    ("history_request", {"hist_access_type": "range", "session": 0, "start": 1, "stop": 3,
                         "output": False, "raw": True}),
    ("history_request", {"hist_access_type": "search", "pattern": "*", "n": 2, "unique": True,
                         "output": False, "raw": True}),
    ("comm_info_request", {}),
    ("comm_open", {"comm_id": "c", "target_name": "t", "data": {}}),
    ("execute_request", {"code": "1+2", "silent": False, "store_history": False, "allow_stdin": False}),
    ("execute_request", {"code": "x = [1, 2", "silent": True, "allow_stdin": False}),
    ("interrupt_request", {}),
    ("unknown_request", {"a": [1, {"b": None}]}),
]
JUNK = [b"", b"{", b"}", b"[]", b"null", b'"', b"\\u0000", b"\xff", b"\x00", b"{}" * 50,
        b'{"msg_type":"execute_request"}', b"[" * 200, b"1e999", b'"\\ud800"', DELIM]


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randint(0, len(data)) if data else 0
        if op < 0.3 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op < 0.5:
            data[pos:pos] = rng.choice(JUNK)
        elif op < 0.7 and data:
            del data[pos:pos + rng.randint(1, 8)]
        elif op < 0.85:
            data = bytearray(data[:pos])
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
    return bytes(data)


def mutate_json(rng, obj):
    """Valid JSON with wrong types or odd values in place of real fields."""
    obj = dict(obj)
    key = rng.choice(list(obj) + ["msg_type", "code", "cursor_pos", "n"])
    obj[key] = rng.choice([None, -1, 2**70, 1.5, "", "x" * 1000, [], {}, True, "é\u2028😀", [[[]]]])
    return obj


def make_message(rng, k):
    msg_type, content = rng.choice(TEMPLATES)
    if rng.random() < 0.3:
        content = mutate_json(rng, content)
    frames = k.session.serialize(k.session.msg(msg_type, content=content))
    parts = frames[2:6]
    roll = rng.random()
    if roll < 0.55:  # mutate a signed part, then re-sign so the parser sees it
        i = rng.randrange(4)
        parts[i] = mutate_bytes(rng, parts[i])
        frames = [DELIM, k.session.sign(parts)] + parts
    elif roll < 0.7:  # replace a whole part with structured junk, re-signed
        parts[rng.randrange(4)] = json.dumps(mutate_json(rng, {"msg_type": msg_type})).encode() \
            if rng.random() < 0.5 else rng.choice(JUNK)
        frames = [DELIM, k.session.sign(parts)] + parts
    elif roll < 0.8:  # valid message, extra identities or buffers
        frames = [b"id%d" % rng.randrange(9)] * rng.randint(0, 3) + frames + [b"buf"] * rng.randint(0, 2)
    elif roll < 0.9:  # frame-level damage, unsigned
        frames = list(frames)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(frames)) if frames else 0
            choice = rng.random()
            if choice < 0.4 and frames:
                del frames[i]
            elif choice < 0.7:
                frames.insert(i, rng.choice(JUNK))
            elif frames:
                frames[i] = mutate_bytes(rng, frames[i])
    else:  # random frame lists
        frames = [bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
                  for _ in range(rng.randint(1, 9))]
        if rng.random() < 0.5:
            frames.insert(rng.randrange(len(frames) + 1), DELIM)
    return frames


def test_fuzz_shell_and_control(raw_kernel):
    k = raw_kernel(log_level="critical")
    rng = random.Random(SEED)
    started = time.monotonic()
    for i in range(COUNT):
        channel = "control" if rng.random() < 0.3 else "shell"
        frames = make_message(rng, k)
        if frames:
            k.sockets[channel].send_multipart(frames)
        if i % 2000 == 1999:
            # Keep reply queues short and check the process is still there.
            for ch in ("shell", "control", "iopub"):
                while k.sockets[ch].poll(0):
                    k.sockets[ch].recv_multipart()
            assert k.proc.poll() is None, f"kernel died after {i + 1} messages: {k.stderr()[-2000:]}"
    # Let the kernel work through its queue, then check it still answers everything.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for ch in ("shell", "control", "iopub"):
            k.drain(ch, 0.01)
        if k.kernel_info("shell", 2.0):
            break
    k.assert_healthy()
    _, reply = k.execute("")
    assert reply["content"]["status"] == "ok"
    print(f"fuzzed {COUNT} messages (seed {SEED}) in {time.monotonic() - started:.1f} s")
