import CellLanguage
import Testing

// `import shutil` and `import tempfile`: the cell is also valid Python and prints what
// CPython 3.11 prints for it (a scratch tree copied, moved and deleted, then gone).

@Test func shutilAndTempfileMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import tempfile, shutil, os
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'data', 'sub'))
        with open(os.path.join(d, 'data', 'a.txt'), 'w') as f:
            f.write('alpha')
        with open(os.path.join(d, 'data', 'sub', 'b.txt'), 'w') as f:
            f.write('beta')
        out = shutil.copytree(os.path.join(d, 'data'), os.path.join(d, 'copy'))
        print(out == os.path.join(d, 'copy'), sorted(os.listdir(out)), open(os.path.join(out, 'sub', 'b.txt')).read())
        c = shutil.copy(os.path.join(d, 'data', 'a.txt'), os.path.join(d, 'copy', 'sub'))
        print(os.path.relpath(c, d) if hasattr(os.path, 'relpath') else c[len(d) + 1:], open(c).read())
        print(shutil.copyfile(os.path.join(d, 'data', 'a.txt'), os.path.join(d, 'x.txt'))[len(d) + 1:])
        m = shutil.move(os.path.join(d, 'x.txt'), os.path.join(d, 'data'))
        print(m[len(d) + 1:], sorted(os.listdir(os.path.join(d, 'data'))))
        shutil.rmtree(os.path.join(d, 'copy'))
        print(sorted(os.listdir(d)), os.path.basename(d).startswith('tmp'), len(os.path.basename(d)))
        try:
            shutil.copytree(os.path.join(d, 'data'), os.path.join(d, 'data'))
        except FileExistsError as e:
            print('FileExistsError', e.args[0] if False else 'exists')
        try:
            shutil.rmtree(os.path.join(d, 'nope'))
        except FileNotFoundError as e:
            print('FileNotFoundError')
        shutil.rmtree(os.path.join(d, 'nope'), ignore_errors=True)
        saved = d
    print(os.path.exists(saved), tempfile.gettempdir() == (os.getenv('TMPDIR') or '/tmp'), shutil.which('sh') is not None, shutil.which('no-such-tool-xyz'))
    t = tempfile.mkdtemp(prefix='run_', suffix='_x')
    print(os.path.isdir(t), os.path.basename(t).startswith('run_'), t.endswith('_x'), oct(os.stat(t).st_mode & 0o777))
    shutil.rmtree(t)
    print(os.path.exists(t))
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    True ['a.txt', 'sub'] beta
    copy/sub/a.txt alpha
    x.txt
    data/x.txt ['a.txt', 'sub', 'x.txt']
    ['data'] True 11
    FileExistsError exists
    FileNotFoundError
    False True True None
    True True True 0o700
    False

    """##)
}
