"""Runs notebooks headless with the installed `tabby` kernel (`scripts/lab --execute`).

Each notebook runs to the end with nbclient; a cell tagged `raises-exception` may fail
(the predict notebook's `ctx(gpu)` on a machine without a GPU) and is reported as an
expected error; any other error stops that notebook and fails the run. The executed
notebooks (and whatever they save) are written to the output directory, which is
printed; the notebook's directory is copied there first, so relative paths work.

Models: a notebook that calls `load("NAME")` needs NAME in $TABBY_MODELS or the download
cache. Where neither has it but ../shared has the reference copy (MobileNetV2), that copy
is used. Nothing is downloaded unless --download is given: without it such a notebook is
skipped with a message saying what is missing and where to put it."""
import argparse
import atexit
import os
import pathlib
import re
import shutil
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("TABBY_SHARED_DIR") or ROOT.parent / "shared")
# The reference copies in ../shared of the zoo models the notebooks load.
SHARED_MODELS = {"mobilenetv2": SHARED / "imagenet" / "mobilenet_v2_1.0_224_quant.onnx"}
LOAD_CALL = re.compile(r'\bload\(\s*"([A-Za-z0-9_.-]+)"\s*\)')
SAVE_CALL = re.compile(r'\bsave\(\s*[^,]+,\s*"([A-Za-z0-9_.-]+)"')


def cache_dir():
    if os.environ.get("TABBY_CACHE"):
        return pathlib.Path(os.environ["TABBY_CACHE"])
    if os.environ.get("XDG_CACHE_HOME"):
        return pathlib.Path(os.environ["XDG_CACHE_HOME"]) / "tabby"
    return pathlib.Path.home() / ".cache" / "tabby"


def zoo_names(nb):
    """The model names (not paths) the notebook loads without saving them itself."""
    loaded, saved = set(), set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            loaded.update(n for n in LOAD_CALL.findall(cell.source) if "." not in n)
            saved.update(SAVE_CALL.findall(cell.source))
    return sorted(loaded - saved)


def find_model(name):
    """Where the kernel will find `name` without downloading, or None."""
    models = pathlib.Path(os.environ.get("TABBY_MODELS") or "/nonexistent")
    for candidate in (name, name + ".onnx", name + ".onnx.gz"):
        if (models / candidate).is_file():
            return models / candidate
    # The zoo's file name (mobilenetv2-7.onnx) in the model directory or the cache.
    for d in (models, cache_dir()):
        found = sorted(d.glob(name + "-*.onnx")) if d.is_dir() else []
        if found:
            return found[0]
    return None


def provide_models(names, download, models_dir):
    """Makes every model in `names` findable; returns the ones that are missing."""
    missing = []
    for name in names:
        found = find_model(name)
        if found:
            print(f"  model {name}: {found}")
        elif SHARED_MODELS.get(name, pathlib.Path("/nonexistent")).is_file():
            link = models_dir / (name + ".onnx")
            if not link.exists():
                link.symlink_to(SHARED_MODELS[name].resolve())
            print(f"  model {name}: the reference copy {SHARED_MODELS[name]}")
        elif download:
            print(f"  model {name}: not found offline; the kernel downloads it (--download)")
        else:
            missing.append(name)
    return missing


def run(path, out_dir, timeout):
    """Executes one notebook in `out_dir` (a copy of its directory, so relative paths such
    as photos/ work and what it saves lands there, not in the repository); returns (ok,
    expected errors, message, executed notebook)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    shutil.copytree(path.parent, out_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="tabby", timeout=timeout, allow_errors=False,
                            resources={"metadata": {"path": str(out_dir)}})
    problem = None
    try:
        client.execute()
    except CellExecutionError as e:
        problem = f"a cell failed:\n{e}"
    except DeadKernelError as e:
        problem = f"the kernel died: {e}"
    out = out_dir / path.name
    nbformat.write(nb, out)
    expected = [
        (i + 1, c.source.strip(), o.ename, o.evalue)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "raises-exception" in c.metadata.get("tags", [])
        for o in c.get("outputs", []) if o.output_type == "error"
    ]
    return problem is None, expected, problem or "ran to the end", out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "artifacts" / "notebooks",
                        help="where the executed notebooks go (default: artifacts/notebooks)")
    parser.add_argument("--download", action="store_true",
                        help="let the kernel download models that are not on this machine")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    args = parser.parse_args(argv)
    import nbformat

    args.out.mkdir(parents=True, exist_ok=True)
    # A private model directory: the user's $TABBY_MODELS plus the reference copies used.
    models_dir = pathlib.Path(tempfile.mkdtemp(prefix="tabby-models-"))
    atexit.register(shutil.rmtree, models_dir, ignore_errors=True)
    if os.environ.get("TABBY_MODELS") and pathlib.Path(os.environ["TABBY_MODELS"]).is_dir():
        for f in pathlib.Path(os.environ["TABBY_MODELS"]).iterdir():
            (models_dir / f.name).symlink_to(f.resolve())
    os.environ["TABBY_MODELS"] = str(models_dir)
    failed, skipped = [], []
    for path in args.notebooks:
        print(f"{path.name}:")
        missing = provide_models(zoo_names(nbformat.read(path, as_version=4)), args.download, models_dir)
        if missing:
            print(f"  SKIPPED: it loads {', '.join(missing)}, which is not on this machine "
                  f"(not in $TABBY_MODELS, {cache_dir()} or {SHARED / 'imagenet'}). Nothing is "
                  "downloaded unless you ask: rerun with --download, or put the .onnx file in "
                  "$TABBY_MODELS.")
            skipped.append(path.name)
            continue
        ok, expected, message, out = run(path.resolve(), args.out.resolve(), args.timeout)
        for i, source, ename, evalue in expected:
            print(f"  expected error in cell {i} of the notebook, `{source}` "
                  f"(tagged raises-exception): {ename}: {evalue}")
        print(f"  {'ok' if ok else 'FAILED'}: {message}")
        print(f"  executed notebook: {out}")
        if not ok:
            failed.append(path.name)
    ran = len(args.notebooks) - len(skipped)
    print(f"{ran} notebook(s) executed, {len(failed)} failed, {len(skipped)} skipped; "
          f"executed notebooks are in {args.out.resolve()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
