"""`tabby passwd` against jupyter_server.auth, in both directions, plus the terminal path.

Hashes made by `tabby passwd` must verify with jupyter_server's `passwd_check`, and
hashes made by jupyter_server's `passwd` (and argon2-cffi with other variants and
parameters) must verify with `tabby passwd --check`: exit 0 on a match, 1 on a
mismatch, 2 on a malformed hash. The password never appears in the output.
"""
import fcntl
import os
import pty
import select
import signal
import subprocess
import termios
import time

import argon2
import pytest
from jupyter_server.auth import passwd, passwd_check

PASSWORDS = [
    "",
    " ",
    "hunter2",
    "correct horse battery staple",
    "  leading and trailing spaces  ",
    "tab\tinside",
    "quote'\"\\back",
    "pässwörd ✓",
    "密码学",
    "cat 🐈‍⬛ emoji",
    "x" * 300,
]
WRONG_SUFFIX = "!"
MARKER = "Pw-Marker-7319"  # a distinctive password, to look for leaks in the output


def run_tabby(tabby_bin, args, password, timeout=60):
    data = None if password is None else (password + "\n").encode("utf-8")
    return subprocess.run(
        [tabby_bin, "passwd", *args], input=data, capture_output=True, timeout=timeout
    )


def make_hash(tabby_bin, password, algorithm=None):
    args = ["--stdin"] + (["--algorithm", algorithm] if algorithm else [])
    out = run_tabby(tabby_bin, args, password)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode().strip()


def check(tabby_bin, stored, password, use_stdin_flag=True):
    args = ["--check", stored] + (["--stdin"] if use_stdin_flag else [])
    return run_tabby(tabby_bin, args, password)


@pytest.mark.parametrize("algorithm", [None, "argon2", "sha1", "sha256", "sha512"])
def test_tabby_hashes_verify_in_jupyter_server(tabby_bin, algorithm):
    for pw in PASSWORDS:
        stored = make_hash(tabby_bin, pw, algorithm)
        expected = f"{algorithm or 'argon2'}:"
        assert stored.startswith(expected)
        assert passwd_check(stored, pw), (stored, pw)
        assert not passwd_check(stored, pw + WRONG_SUFFIX)


def test_default_hash_uses_jupyters_argon2_parameters(tabby_bin):
    stored = make_hash(tabby_bin, "hunter2")
    assert stored.startswith("argon2:$argon2id$v=19$m=10240,t=10,p=8$")
    params = argon2.extract_parameters(stored[len("argon2:"):])
    assert (params.salt_len, params.hash_len) == (16, 32)
    assert stored != make_hash(tabby_bin, "hunter2"), "the salt must be random"


@pytest.mark.parametrize("algorithm", ["argon2", "sha1"])
def test_jupyter_server_hashes_verify_in_tabby(tabby_bin, algorithm):
    for pw in PASSWORDS:
        stored = passwd(pw, algorithm)
        ok = check(tabby_bin, stored, pw)
        assert ok.returncode == 0, (stored, pw, ok.stderr.decode())
        bad = check(tabby_bin, stored, pw + WRONG_SUFFIX)
        assert bad.returncode == 1, (stored, pw, bad.stderr.decode())


HASHLIB_NAMES = ["md5", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha512_224",
                 "blake2b", "blake2s", "SHA1", "sha-256"]


@pytest.mark.parametrize("algorithm", HASHLIB_NAMES)
def test_every_hashlib_form_jupyter_accepts(tabby_bin, algorithm):
    for pw in ["hunter2", "pässwörd ✓", ""]:
        stored = passwd(pw, algorithm)
        assert check(tabby_bin, stored, pw).returncode == 0, stored
        assert check(tabby_bin, stored, pw + WRONG_SUFFIX).returncode == 1, stored


@pytest.mark.parametrize("kind", [argon2.Type.I, argon2.Type.D, argon2.Type.ID])
@pytest.mark.parametrize("params", [dict(time_cost=1, memory_cost=8, parallelism=1, salt_len=8,
                                         hash_len=4),
                                    dict(time_cost=3, memory_cost=4096, parallelism=4)])
def test_argon2_variants_and_parameters_from_the_string(tabby_bin, kind, params):
    hasher = argon2.PasswordHasher(type=kind, **params)
    for pw in ["hunter2", "pässwörd ✓"]:
        stored = "argon2:" + hasher.hash(pw)
        assert passwd_check(stored, pw)
        assert check(tabby_bin, stored, pw).returncode == 0, stored
        assert check(tabby_bin, stored, pw + WRONG_SUFFIX).returncode == 1, stored


MALFORMED = [
    "",
    "hunter2",
    "sha1:abc",
    "sha1:0e112c3ddfce:",
    "sha1:0e112c3ddfce:A68DF677475C2B47B6E86D0467EEC97AC5F4B85A",
    "nosuchalgorithm:salt:abcd",
    "shake_128:salt:abcd",
    "argon2:",
    "argon2:$argon2q$v=19$m=64,t=1,p=1$c29tZXNhbHQ$AAAAAA",
    "argon2:$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$AAAAAA",
    "argon2:$argon2id$v=19$m=64,t=1,p=1$c2FsdA$AAAAAA",
    "argon2:$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHRzYWx0$AAAAAA",
]


@pytest.mark.parametrize("stored", MALFORMED)
def test_malformed_hashes_exit_2_with_a_message(tabby_bin, stored):
    out = check(tabby_bin, stored, MARKER)
    assert out.returncode == 2
    assert b"malformed password hash" in out.stderr
    assert MARKER.encode() not in out.stdout + out.stderr


def test_password_never_appears_in_output(tabby_bin):
    for args in [["--stdin"], ["--stdin", "--algorithm", "sha256"]]:
        out = run_tabby(tabby_bin, args, MARKER)
        assert out.returncode == 0
        assert MARKER.encode() not in out.stdout + out.stderr
    stored = passwd("something else", "sha1")
    out = check(tabby_bin, stored, MARKER)
    assert out.returncode == 1
    assert MARKER.encode() not in out.stdout + out.stderr


def test_check_reads_a_pipe_without_the_stdin_flag(tabby_bin):
    stored = passwd("hunter2", "sha1")
    assert check(tabby_bin, stored, "hunter2", use_stdin_flag=False).returncode == 0
    assert check(tabby_bin, stored, "hunter3", use_stdin_flag=False).returncode == 1


def test_unreadable_password_is_an_error_not_a_mismatch(tabby_bin):
    stored = passwd("hunter2", "sha1")
    empty = subprocess.run([tabby_bin, "passwd", "--check", stored, "--stdin"], input=b"",
                           capture_output=True, timeout=30)
    assert empty.returncode == 2 and b"empty" in empty.stderr
    latin1 = subprocess.run([tabby_bin, "passwd", "--check", stored, "--stdin"],
                            input=b"caf\xe9\n", capture_output=True, timeout=30)
    assert latin1.returncode == 2 and b"UTF-8" in latin1.stderr
    make = subprocess.run([tabby_bin, "passwd", "--stdin"], input=b"", capture_output=True,
                          timeout=30)
    assert make.returncode != 0 and make.stdout == b""


def test_algorithm_and_check_together_are_refused(tabby_bin):
    out = subprocess.run([tabby_bin, "passwd", "--check", "sha1:a:b", "--algorithm", "sha1"],
                         input=b"x\n", capture_output=True, timeout=30)
    assert out.returncode not in (0, 1)


def _controlling_terminal():
    # A new session whose controlling terminal is the pty (stdin), so that Ctrl-C
    # typed on it reaches tabby as SIGINT, as in an interactive shell.
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """tabby passwd with a pseudo-terminal as stdin and stderr (where prompts go)."""

    def __init__(self, tabby_bin, args, ignore_sigint=False):
        self.master, self.slave = pty.openpty()

        def setup():
            _controlling_terminal()
            if ignore_sigint:  # as under nohup or for a background job
                signal.signal(signal.SIGINT, signal.SIG_IGN)

        self.proc = subprocess.Popen([tabby_bin, "passwd", *args], stdin=self.slave,
                                     stdout=subprocess.PIPE, stderr=self.slave,
                                     preexec_fn=setup)
        self.seen = b""

    def expect(self, text, timeout=20):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} in {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.seen += os.read(self.master, 4096)

    def type(self, text):
        os.write(self.master, text.encode())

    def finish(self, timeout=60):
        out, _ = self.proc.communicate(timeout=timeout)
        try:  # whatever is left on the terminal (prompts, echoed newlines)
            while select.select([self.master], [], [], 0.2)[0]:
                self.seen += os.read(self.master, 4096)
        except OSError:
            pass
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self.master)
        os.close(self.slave)


def test_terminal_prompts_twice_without_echo(tabby_bin):
    term = Terminal(tabby_bin, [])
    try:
        term.expect("Enter password: ")
        term.type(MARKER + "\n")
        term.expect("Verify password: ")
        term.type(MARKER + "\n")
        out = term.finish()
        assert term.proc.returncode == 0
        assert MARKER.encode() not in term.seen, "the password was echoed"
        assert passwd_check(out.decode().strip(), MARKER)
        assert termios.tcgetattr(term.slave)[3] & termios.ECHO, "echo must be back on"
    finally:
        term.close()


def test_terminal_passwords_must_match(tabby_bin):
    term = Terminal(tabby_bin, [])
    try:
        term.expect("Enter password: ")
        term.type("one\n")
        term.expect("Verify password: ")
        term.type("two\n")
        out = term.finish()
        assert term.proc.returncode != 0
        assert out == b""
        assert b"do not match" in term.seen
    finally:
        term.close()


def test_terminal_check_prompts_once(tabby_bin):
    stored = passwd("hunter2", "sha1")
    for typed, status in [("hunter2", 0), ("hunter3", 1)]:
        term = Terminal(tabby_bin, ["--check", stored])
        try:
            term.expect("Password: ")
            term.type(typed + "\n")
            term.finish()
            assert term.proc.returncode == status
            assert typed.encode() not in term.seen
        finally:
            term.close()


def test_ctrl_c_at_the_prompt_restores_echo(tabby_bin):
    term = Terminal(tabby_bin, [])
    try:
        term.expect("Enter password: ")
        assert not termios.tcgetattr(term.slave)[3] & termios.ECHO
        term.type("\x03")  # the terminal turns Ctrl-C into SIGINT
        term.finish()
        assert term.proc.returncode == -signal.SIGINT
        assert termios.tcgetattr(term.slave)[3] & termios.ECHO
    finally:
        term.close()


def test_an_ignored_ctrl_c_stays_ignored(tabby_bin):
    term = Terminal(tabby_bin, [], ignore_sigint=True)
    try:
        term.expect("Enter password: ")
        term.type("\x03")
        time.sleep(0.3)
        assert term.proc.poll() is None, "an ignored SIGINT must not end the prompt"
        term.type("hunter2\n")
        term.expect("Verify password: ")
        term.type("hunter2\n")
        out = term.finish()
        assert term.proc.returncode == 0
        assert passwd_check(out.decode().strip(), "hunter2")
    finally:
        term.close()
