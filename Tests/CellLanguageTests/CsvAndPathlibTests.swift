import CellLanguage
import Testing

// `import csv` and `import pathlib`: cells that are also valid Python, whose expected output
// is what CPython 3.11 prints for the same program (python3 on the build machine, run on a
// scratch folder at the same path), then the errors, with CPython's types and messages.

@Test func csv_readsAndWritesAsPython() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("P = \(Value.string(dir.path).repr)")
  _ = try s.run(
    #"""
    import csv
    rows = [['name', 'size', 'note'], ['cat', 3, 'says "hi", loudly'], ['dog', 5.5, 'two\nlines'], ['bird', None, '']]
    with open(P + '/pets.csv', 'w', newline='') as f:
        w = csv.writer(f)
        print(w.writerow(rows[0]))
        w.writerows(rows[1:])
    print(repr(open(P + '/pets.csv', newline='').read()))
    with open(P + '/pets.csv', newline='') as f:
        r = csv.reader(f)
        header = next(r)
        print(header, r.line_num)
        for row in r:
            print(row, r.line_num)
    print(list(csv.reader(['a;b', "'x;y';z", '', 'q'], delimiter=';', quotechar="'")))
    print(list(csv.reader(['"a', 'b",c', ' d,  e'], skipinitialspace=True)))
    with open(P + '/pets.csv', newline='') as f:
        d = csv.DictReader(f)
        print(d.fieldnames)
        for row in d:
            print(row['name'], row)
    people = [{'name': 'Ann', 'age': 31}, {'age': 4, 'name': 'Bo'}, {'name': 'Cy'}]
    with open(P + '/people.tsv', 'w', newline='') as f:
        dw = csv.DictWriter(f, fieldnames=['name', 'age'], delimiter='\t', restval='?')
        dw.writeheader()
        dw.writerows(people)
    print(repr(open(P + '/people.tsv').read()))
    print([dict(r) for r in csv.DictReader(open(P + '/people.tsv'), delimiter='\t')])
    print(list(csv.DictReader(['1,2,3', '4'], fieldnames=['x', 'y'], restkey='more', restval='-')))
    with open(P + '/q.csv', 'w') as f:
        w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(['a', 1, 2.5, True, None])
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator='\n').writerow(['a', 1])
        csv.writer(f, quoting=csv.QUOTE_NONE).writerow(['plain', 2])
        csv.writer(f).writerow([''])
    print(repr(open(P + '/q.csv').read()))
    print(next(csv.reader(['"a",1,2.5,"",-3e2'], quoting=csv.QUOTE_NONNUMERIC)))
    print(csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE, sorted(r[0] for r in csv.reader(['b,1', 'a,2'])))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    16
    'name,size,note\r\ncat,3,"says ""hi"", loudly"\r\ndog,5.5,"two\nlines"\r\nbird,,\r\n'
    ['name', 'size', 'note'] 1
    ['cat', '3', 'says "hi", loudly'] 2
    ['dog', '5.5', 'two\nlines'] 4
    ['bird', '', ''] 5
    [['a', 'b'], ['x;y', 'z'], [], ['q']]
    [['ab', 'c'], ['d', 'e']]
    ['name', 'size', 'note']
    cat {'name': 'cat', 'size': '3', 'note': 'says "hi", loudly'}
    dog {'name': 'dog', 'size': '5.5', 'note': 'two\nlines'}
    bird {'name': 'bird', 'size': '', 'note': ''}
    'name\tage\nAnn\t31\nBo\t4\nCy\t?\n'
    [{'name': 'Ann', 'age': '31'}, {'name': 'Bo', 'age': '4'}, {'name': 'Cy', 'age': '?'}]
    [{'x': '1', 'y': '2', 'more': ['3']}, {'x': '4', 'y': '-'}]
    '"a",1,2.5,True,""\n"a","1"\nplain,2\n""\n'
    ['a', 1.0, 2.5, '', -300.0]
    0 1 2 3 ['a', 'b']

    """#)
}

@Test func pathlib_pathsAndFilesAsPython() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run(
    #"""
    from pathlib import Path
    import pathlib, os
    root = Path('/tmp/h1t/scratch')
    data = root / 'data'
    data.mkdir()
    (data / 'raw' / 'img').mkdir(parents=True)
    data.mkdir(exist_ok=True)
    print(data.is_dir(), data.exists(), (data / 'nope').exists())
    for name in ['a.csv', 'b.txt', '.hidden', 'raw/c.csv', 'raw/img/d.csv']:
        print((data / name).write_text(name.upper() + '\n'), end=' ')
    print()
    print(sorted(p.name for p in data.iterdir()))
    print(sorted(str(p.relative_to(root)) for p in data.glob('*.csv')), sorted(p.name for p in data.glob('*')))
    print([str(p.relative_to(data)) for p in sorted(data.rglob('*.csv'))], sorted(p.relative_to(data) for p in data.glob('**/*.csv')))
    print(sorted(str(p.relative_to(data)) for p in data.glob('**')), [p.name for p in sorted(data.glob('raw/*/*.csv'))])
    f = data / 'a.csv'
    print(f.read_text(), f.is_file(), f.is_dir(), data.is_file())
    with f.open('a') as out:
        out.write('more\n')
    with open(f) as g:
        print(g.readlines())
    print(os.path.join(data, 'x.txt') == str(data / 'x.txt'), os.path.basename(f), os.path.exists(f), sorted(os.listdir(data / 'raw')))
    f.unlink()
    f.unlink(missing_ok=True)
    print(f.exists(), (data / 'b.txt').rename(data / 'c.txt').name, sorted(os.listdir(data)))
    p = Path('models', 'v1', 'weights.tar.gz')
    print(p, repr(p), p.name, p.stem, p.suffix, p.suffixes, p.parent, p.parts, p.parent.parent.parent)
    print(list(p.parents), p.parents[0], len(p.parents), Path('/usr/lib').parents[-1], Path('/').parent, Path('.').name)
    print(p.with_suffix('.pt'), p.with_name('config.json'), p.with_suffix(''), Path('a/b') / 'c' / Path('d.txt'), Path('x') / '/abs', 'pre' / Path('post'))
    print(Path(), Path('a//b/./c/'), Path('/a', 'b', '/c'), Path('a').joinpath('b', 'c'), Path('/x/y').is_absolute(), Path('x').is_absolute(), Path('a.b.').suffixes)
    paths = [Path('b'), Path('a/c'), Path('a.b'), Path('a')]
    print(sorted(paths), Path('a') == Path('a/'), Path('a') == 'a', Path('a') != Path('b'), Path('a') < Path('b'), len({Path('a'), Path('a/.'), Path('b')}))
    print(f'{p}', str(p), type(p).__name__, isinstance(p, Path), Path.cwd() == Path(os.getcwd()), Path.home() == Path(os.path.expanduser('~')))
    print(Path('rel').absolute() == Path.cwd() / 'rel', Path('x/../y').resolve() == Path.cwd() / 'y', Path(root / '.').resolve() == root.resolve())
    print(root.joinpath('data', 'c.txt').read_text().strip(), {Path('k'): 1}[Path('k')], type(Path('q')))
    """#.replacing("/tmp/h1t/scratch", with: dir.path))
  #expect(
    s.sink.text(.stdout) == #"""
    True True False
    6 6 8 10 14 
    ['.hidden', 'a.csv', 'b.txt', 'raw']
    ['data/a.csv'] ['.hidden', 'a.csv', 'b.txt', 'raw']
    ['a.csv', 'raw/c.csv', 'raw/img/d.csv'] [PosixPath('a.csv'), PosixPath('raw/c.csv'), PosixPath('raw/img/d.csv')]
    ['.', 'raw', 'raw/img'] ['d.csv']
    A.CSV
     True False False
    ['A.CSV\n', 'more\n']
    True a.csv True ['c.csv', 'img']
    False c.txt ['.hidden', 'c.txt', 'raw']
    models/v1/weights.tar.gz PosixPath('models/v1/weights.tar.gz') weights.tar.gz weights.tar .gz ['.tar', '.gz'] models/v1 ('models', 'v1', 'weights.tar.gz') .
    [PosixPath('models/v1'), PosixPath('models'), PosixPath('.')] models/v1 3 / / 
    models/v1/weights.tar.pt models/v1/config.json models/v1/weights.tar a/b/c/d.txt /abs pre/post
    . a/b/c /c a/b/c True False []
    [PosixPath('a'), PosixPath('a/c'), PosixPath('a.b'), PosixPath('b')] True False True True 2
    models/v1/weights.tar.gz models/v1/weights.tar.gz PosixPath True True True
    True True True
    B.TXT 1 <class 'pathlib.PosixPath'>

    """#.replacing("/tmp/h1t/scratch", with: dir.path))
}

/// Each error with CPython 3.11's type and message (its program: P, a scratch folder holding
/// exists.txt and the folder d).
@Test(arguments: [
  (#"list(csv.reader(['"a'], strict=True))"#, #"Error"#, #"unexpected end of data"#),
  (#"list(csv.reader(['"a"b'], strict=True))"#, #"Error"#, #"',' expected after '"'"#),
  (#"list(csv.reader(['a\nb']))"#, #"Error"#, #"new-line character seen in unquoted field - do you need to open the file in universal-newline mode?"#),
  (#"next(csv.reader([5]))"#, #"Error"#, #"iterator should return strings, not int (the file should be opened in text mode)"#),
  (#"csv.reader(5)"#, #"TypeError"#, #"'int' object is not iterable"#),
  (#"csv.writer(5)"#, #"TypeError"#, #"argument 1 must have a "write" method"#),
  (#"csv.writer(open(P + 'w.csv', 'w'), delimiter='ab')"#, #"TypeError"#, #""delimiter" must be a 1-character string"#),
  (#"csv.reader([], quotechar='')"#, #"TypeError"#, #""quotechar" must be a 1-character string"#),
  (#"csv.writer(open(P + 'w.csv', 'w'), quoting=7)"#, #"TypeError"#, #"bad "quoting" value"#),
  (#"csv.writer(open(P + 'w.csv', 'w'), quoting=csv.QUOTE_NONE).writerow(['a,b'])"#, #"Error"#, #"need to escape, but no escapechar set"#),
  (#"csv.writer(open(P + 'w.csv', 'w'), quoting=csv.QUOTE_NONE).writerow([''])"#, #"Error"#, #"single empty field record must be quoted"#),
  (#"csv.writer(open(P + 'w.csv', 'w')).writerow(1)"#, #"Error"#, #"iterable expected, not int"#),
  (#"csv.DictWriter(open(P + 'w.csv', 'w'), ['a']).writerow({'a': 1, 'c': 2})"#, #"ValueError"#, #"dict contains fields not in fieldnames: 'c'"#),
  (#"csv.DictWriter(open(P + 'w.csv', 'w'), ['a'], extrasaction='x')"#, #"ValueError"#, #"extrasaction (x) must be 'raise' or 'ignore'"#),
  (#"list(csv.reader(['1,x'], quoting=csv.QUOTE_NONNUMERIC))"#, #"ValueError"#, #"could not convert string to float: 'x'"#),
  (#"Path('/').with_suffix('.x')"#, #"ValueError"#, #"PosixPath('/') has an empty name"#),
  (#"Path('a').with_suffix('x')"#, #"ValueError"#, #"Invalid suffix 'x'"#),
  (#"Path('a').with_name('')"#, #"ValueError"#, #"Invalid name ''"#),
  (#"Path('a').with_name('b/c')"#, #"ValueError"#, #"Invalid name 'b/c'"#),
  (#"Path('a') / 5"#, #"TypeError"#, #"unsupported operand type(s) for /: 'PosixPath' and 'int'"#),
  (#"Path(5)"#, #"TypeError"#, #"expected str, bytes or os.PathLike object, not int"#),
  (#"Path('a') < 'b'"#, #"TypeError"#, #"'<' not supported between instances of 'PosixPath' and 'str'"#),
  (#"Path(P + 'nope.txt').read_text()"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/nope.txt'"#),
  (#"Path(P + 'd').mkdir()"#, #"FileExistsError"#, #"[Errno 17] File exists: '/tmp/h1t/scratch/d'"#),
  (#"Path(P + 'x/y/z').mkdir()"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/x/y/z'"#),
  (#"Path(P + 'exists.txt').mkdir(exist_ok=True)"#, #"FileExistsError"#, #"[Errno 17] File exists: '/tmp/h1t/scratch/exists.txt'"#),
  (#"Path(P + 'nope').unlink()"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/nope'"#),
  (#"Path(P + 'd').rmdir() or Path(P + 'd').rmdir()"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/d'"#),
  (#"Path('a').relative_to('b')"#, #"ValueError"#, #"'a' is not in the subpath of 'b' OR one path is relative and the other is absolute."#),
  (#"Path(P + 'w.txt').write_text(5)"#, #"TypeError"#, #"data must be str, not int"#),
  (#"list(Path(P + 'nope').iterdir())"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/nope'"#),
  (#"list(Path(P).glob(''))"#, #"ValueError"#, #"Unacceptable pattern: ''"#),
  (#"list(Path(P).glob('/x'))"#, #"NotImplementedError"#, #"Non-relative patterns are unsupported"#),
  (#"open(Path(P + 'nope.txt'))"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/nope.txt'"#),
  (#"os.path.join(Path('a'), 5)"#, #"TypeError"#, #"join() argument must be str, bytes, or os.PathLike object, not 'int'"#),
  (#"Path(P + 'nope').stat()"#, #"FileNotFoundError"#, #"[Errno 2] No such file or directory: '/tmp/h1t/scratch/nope'"#),
  (#"next(csv.reader(open(P + 'w.csv', 'w')))"#, #"UnsupportedOperation"#, #"not readable"#),
  (#"Path('~nosuchuserxyz/a').expanduser()"#, #"RuntimeError"#, #"Could not determine home directory."#),
  (#"open(P + 'x.txt', 'w', newline='x')"#, #"ValueError"#, #"illegal newline value: x"#),
])
func csvAndPathlib_errorsAsPython(_ code: String, _ ename: String, _ message: String) throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("import csv, os\nfrom pathlib import Path\nP = \(Value.string(dir.path + "/").repr)\nopen(P + 'exists.txt', 'w').close()\nos.mkdir(P + 'd')")
  expectError(code, ename, message.replacing("/tmp/h1t/scratch", with: dir.path), in: s)
}

@Test func csv_errorIsCaughtAsCsvError() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import csv
    class Out:
        def write(self, text):
            print(repr(text))
            return len(text)
    w = csv.writer(Out(), quoting=csv.QUOTE_NONE, delimiter='|')
    try:
        w.writerow(['a', 'b|c'])
    except csv.Error as e:
        print('caught:', e)
    print(w.writerow(['a', 'b']), next(iter(csv.reader(['x|y'], delimiter='|'))))
    """#)
  #expect(s.sink.text(.stdout) == "caught: need to escape, but no escapechar set\n'a|b\\r\\n'\n5 ['x', 'y']\n")
}

/// Tabby's own file built-ins and os take a Path (or any object with __fspath__) wherever
/// they take a path string: converted once, where arguments are read.
@Test func pathlib_fileBuiltinsTakePaths() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run(
    """
    import os
    from pathlib import Path
    d = Path(\(Value.string(dir.path).repr))
    class Where:
        def __init__(self, p): self.p = p
        def __fspath__(self): return str(self.p)
    write_text(d / 't.csv', 'a,b\\n1,2\\n')
    write_json(d / 'j.json', [1])
    os.makedirs(d / 'x' / 'y')
    os.rename(d / 'j.json', d / 'k.json')
    print(read_csv(d / 't.csv'), read_json(d / 'k.json'), listdir(d), os.listdir(d / 'x'), read_text(Where(d / 't.csv')) == open(Where(d / 't.csv')).read())
    """)
  #expect(s.sink.text(.stdout) == "[{'a': '1', 'b': '2'}] [1] ['k.json', 't.csv', 'x'] ['y'] True\n")
  expectError("read_text(5)", "TypeError", "expected str, bytes or os.PathLike object, not int", in: s)
  expectError("os.path.basename(None)", "TypeError", "expected str, bytes or os.PathLike object, not NoneType", in: s)
}

/// A reader reads its file a line at a time (so one used after its `with` block fails, as in
/// Python), and stat() (Path's and os's) gives the file's fields; CPython 3.11's output.
@Test func csv_readerFollowsItsFileAndPathStat() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run(
    #"""
    import csv, os
    from pathlib import Path
    p = Path('/tmp/h1t/scratch') / 'a.csv'
    print(p.write_text('a,b\n1,2\n'))
    with open(p) as f:
        r = csv.reader(f)
        print(next(r), r.line_num)
    try:
        next(r)
    except ValueError as e:
        print('ValueError:', e)
    s = p.stat()
    print(s.st_size, type(s.st_mtime).__name__, s[6], os.stat(p).st_size == os.path.getsize(p), abs(s.st_mtime - os.stat(str(p)).st_mtime) < 1)
    """#.replacing("/tmp/h1t/scratch", with: dir.path))
  #expect(
    s.sink.text(.stdout) == #"""
    8
    ['a', 'b'] 1
    ValueError: I/O operation on closed file.
    8 float 8 True True

    """#)
}

/// More of PurePosixPath's rules (dots, '..', parents as a sequence, is_relative_to) and
/// os.path on paths; CPython 3.11's output for the same cell.
@Test func pathlib_pureRulesAsPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from pathlib import Path, PurePath, PosixPath
    import os
    print(Path('a/b').with_stem('c'), Path('a.tar.gz').with_suffix('.zip'), Path('/a/b').relative_to('/'), Path('/a/b').root, Path('a').root, Path('/x').anchor)
    print(Path('..'), Path('../a/..'), Path('a/../b').parts, Path('/..').parent, Path('..').name, Path('..').parent)
    print(Path('~').expanduser() == Path.home(), Path('a') / '', Path('') / 'a', Path('a', '', 'b'), Path('x/~').expanduser())
    print(isinstance(Path('a'), PurePath), PosixPath('x'), repr(Path("it's")), str(Path('a b')), Path('a') in [Path('a')], Path('a') != 'a')
    print(Path('a/b.c.d').suffix, Path('.a.b').suffix, Path('.a.b').suffixes, Path('..b').stem, Path('a.').stem, Path('a.').suffix)
    print(Path('/a/b') < Path('/a/c'), Path('a') <= Path('a'), Path('b') > Path('a/z'), max([Path('x'), Path('y')]), sorted({Path('c'), Path('a')}))
    ps = Path('/a/b/c').parents
    print(ps, ps[1], ps[-1], ps[:2], len(ps), bool(Path('.').parents), tuple(Path('a').parents), list(Path('/').parents))
    print(Path('x').joinpath(Path('/y'), 'z'), Path('a').relative_to(Path('a')), Path('a/b').relative_to('a'), Path('a/b').is_relative_to('a'), Path('a').is_relative_to('b'))
    print(Path('a').with_suffix('.tar.gz'), Path('a').with_name('..'), os.path.splitext(Path('a/b.txt')), os.path.dirname(Path('/a/b')), os.path.normpath(Path('a/./b')))
    print(hash(Path('a')) == hash(Path('a/')), Path('a') == Path('b'), {Path('a'): 1}.get(Path('./a')), Path('/tmp').is_dir(), Path('/nonexistent/x').exists())
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    a/c a.tar.zip a/b /  /
    .. ../a/.. ('a', '..', 'b') / .. .
    True a a a/b x/~
    True x PosixPath("it's") a b True True
    .d .b ['.b'] . a. 
    True True True y [PosixPath('a'), PosixPath('c')]
    <PosixPath.parents> /a / (PosixPath('/a/b'), PosixPath('/a')) 3 False (PosixPath('.'),) []
    /y/z . b True False
    a.tar.gz .. ('a/b', '.txt') /a a/b
    True False 1 True False

    """#)
}

/// dialect='excel-tab' reads tabs (the declared delimiter default does not override it).
@Test func csv_excelTabDialect() throws {
  let s = Session()
  #expect(try s.result("import csv\nlist(csv.reader(['a\\tb', 'c,d'], dialect='excel-tab'))") == "[['a', 'b'], ['c,d']]")
}

/// encoding='utf-8-sig' (how Excel writes CSV) in open, Path.open, read_text and write_text:
/// the byte-order mark is dropped when read and written first; CPython 3.11's output.
@Test func csv_excelByteOrderMark() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run(
    #"""
    import csv
    from pathlib import Path
    p = Path('/tmp/h1t/scratch') / 'excel.csv'
    with open(p, 'w', encoding='utf-8-sig', newline='') as f:
        csv.writer(f).writerows([['name', 'n'], ['é', 1]])
    print(repr(p.read_text()), repr(p.read_text(encoding='UTF_8_SIG')))
    with open(p, encoding='utf-8-sig', newline='') as f:
        print(list(csv.DictReader(f)))
    with open(p, 'a', encoding='utf-8-sig') as f:
        f.write('x,2\n')
    print(repr(p.read_text('utf-8')), p.write_text('', encoding='utf-8-sig'), repr(p.read_text()))
    print(p.write_text('z', encoding='utf-8-sig'), repr(p.read_text()), repr(open(p, encoding='utf-8-sig').read()))
    """#.replacing("/tmp/h1t/scratch", with: dir.path))
  #expect(
    s.sink.text(.stdout) == #"""
    '\ufeffname,n\né,1\n' 'name,n\né,1\n'
    [{'name': 'é', 'n': '1'}]
    '\ufeffname,n\né,1\nx,2\n' 0 '\ufeff'
    1 '\ufeffz' 'z'

    """#)
  expectError("open('x', encoding='latin-1')", "LookupError", "only UTF-8 text files are supported, not 'latin-1'", in: s)
}
