import CellLanguage
import Testing

// `import csv`: cells that are also valid Python, whose expected output
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

/// Each error with CPython 3.11's type and message (P: a scratch folder).
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
])
func csv_errorsAsPython(_ code: String, _ ename: String, _ message: String) throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("import csv\nP = \(Value.string(dir.path + "/").repr)")
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
