"""The image codecs' C (Sources/CImageCodecs: libjpeg and libpng glue, the windowed JPEG
decode) built with AddressSanitizer, UBSan and LeakSanitizer and run on the repository's
images and seeded mutants of them (asan/codec_harness.c): no stray read or write, no leak on
any error path, and every JPEG window equal to the whole decode's pixels (a window fails
exactly when the whole decode does). A Swift test cannot see a write outside a buffer that
is put back; the sanitizer can (it found one in the windowed decode's in-place rows)."""
import os
import pathlib
import re
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
CODECS = ROOT / "Sources" / "CImageCodecs"


def test_codecs_have_no_memory_errors(tmp_path):
    clang = shutil.which("clang")
    assert clang, "clang (the Swift toolchain's, on PATH) builds the sanitized harness"
    exe = tmp_path / "codec_harness"
    build = subprocess.run(
        [clang, "-g", "-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
         "-fno-omit-frame-pointer", "-I", str(CODECS / "include"), "-I/usr/include/libpng16",
         str(ROOT / "Tests" / "integration" / "asan" / "codec_harness.c"),
         *map(str, sorted(CODECS.glob("*.c"))), "-ljpeg", "-lpng16", "-o", str(exe)],
        capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    fixtures = ROOT / "Tests" / "ImagingTests" / "Fixtures"
    images = sorted(fixtures.glob("*.jpg")) + sorted(fixtures.glob("*.png")) + sorted(
        (ROOT / "notebooks" / "photos").glob("*.*"))
    assert len(images) >= 15
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=1")
    run = subprocess.run([str(exe), *map(str, images)], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stdout + run.stderr[-4000:]
    counts = re.search(r"decoded (\d+) files and mutants, compared (\d+) windows: 0 mismatches, 0 disagreements",
                       run.stdout)
    assert counts, run.stdout
    assert int(counts.group(1)) >= 30 * len(images) and int(counts.group(2)) >= 1000, run.stdout
