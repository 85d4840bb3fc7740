import subprocess


def test_version(tabby_bin):
    out = subprocess.run([tabby_bin, "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert out.stdout.strip().count(".") == 2
