import CellLanguage
import Testing

// `io.StringIO`: the cell is also valid Python and prints what CPython 3.11 prints for it
// (positions, overwrites, a gap filled with NULs, csv and print(file=) through it, closing).

@Test func stringIOMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import io, csv
    buf = io.StringIO()
    print(buf.write('hello\n'), buf.write('world'), buf.tell(), repr(buf.getvalue()))
    print(repr(buf.read()), buf.seek(0), repr(buf.readline()), repr(buf.read(3)), repr(buf.read()), repr(buf.readline()))
    f = io.StringIO('a\nb\nc')
    print(list(f), f.tell(), f.seek(2), f.readlines(), f.seek(0, 2), f.write('!'), repr(f.getvalue()))
    g = io.StringIO('abcdef')
    g.seek(2); g.write('XY'); print(repr(g.getvalue()), g.tell(), g.truncate(), repr(g.getvalue()))
    g.seek(10); g.write('Z'); print(repr(g.getvalue()))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(['name', 'score']); w.writerows([['ann', 3], ['bob, jr', 4]])
    print(repr(out.getvalue()))
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    print(rows)
    print('to buffer', file=out)
    print(out.getvalue().splitlines()[-1])
    with io.StringIO('x') as s:
        print(s.read(), s.closed)
    print(s.closed)
    try:
        s.read()
    except ValueError as e:
        print('ValueError', e)
    try:
        io.StringIO().write(5)
    except TypeError as e:
        print('TypeError', e)
    try:
        io.StringIO('abc').seek(1, 1)
    except OSError as e:
        print('OSError', e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    6 5 11 'hello\nworld'
    '' 0 'hello\n' 'wor' 'ld' ''
    ['a\n', 'b\n', 'c'] 5 2 ['b\n', 'c'] 5 1 'a\nb\nc!'
    'abXYef' 4 4 'abXY'
    'abXY\x00\x00\x00\x00\x00\x00Z'
    'name,score\r\nann,3\r\n"bob, jr",4\r\n'
    [['name', 'score'], ['ann', '3'], ['bob, jr', '4']]
    to buffer
    x False
    True
    ValueError I/O operation on closed file
    TypeError string argument expected, got 'int'
    OSError Can't do nonzero cur-relative seeks

    """##)
}

@Test func stringIOWritePastAHugeSeekIsAMemoryErrorNotACrash() throws {
  let s = Session()
  _ = try s.run("import io\nbuf = io.StringIO()\nbuf.seek(10**15)")
  // The NUL-filled gap would be petabytes: refused before any allocation.
  #expect(s.error("buf.write('x')")?.ename == "MemoryError")
  #expect(try s.result("buf.seek(0), buf.write('ok'), buf.getvalue()") == "(0, 2, 'ok')")
}
