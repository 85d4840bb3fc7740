import CellLanguage
import Testing

// Cells that use the datetime module (datetime, date, timedelta), each also valid Python: the expected output of every one is
// what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func datetime_datetimeArithmetic() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import datetime
    from datetime import datetime as dt, date, timedelta
    start = dt(2026, 12, 7, 16, 28, 5, 250000)
    end = dt(2026, 12, 8, 1, 2, 3)
    took = end - start
    print(start, repr(start), repr(dt(2026, 1, 2)), repr(dt(2026, 1, 2, 3, 4, 5)), end.isoformat(), start.isoformat(sep=" "))
    print(took, repr(took), took.total_seconds(), took.days, took.seconds, took.microseconds)
    print(start + timedelta(hours=10), start - timedelta(days=40, minutes=1), timedelta(weeks=1, hours=-1), -timedelta(seconds=90), timedelta(0))
    print(start.strftime("%Y-%m-%d %H:%M:%S.%f"), start.strftime("%a %d %b %Y, %j"), f"{start:%H:%M}", start.year, start.month, start.day, start.hour, start.microsecond)
    print(start < end, start == dt(2026, 12, 7, 16, 28, 5, 250000), sorted([end, start])[0] == start, max(start, end) == end, len({start, dt(2026, 12, 7, 16, 28, 5, 250000)}))
    print(timedelta(minutes=90) / timedelta(hours=1), timedelta(hours=3) / 2, timedelta(seconds=10) * 3, 2 * timedelta(days=1), timedelta(hours=1) > timedelta(minutes=59), bool(timedelta()))
    d = date(2024, 2, 28)
    print(d + timedelta(days=2), repr(d), d.weekday(), d.isoweekday(), date(2025, 1, 1) - d, d.replace(day=1), start.date(), start.replace(year=2030, month=6))
    print(dt.strptime("2026-03-04 05:06:07", "%Y-%m-%d %H:%M:%S"), dt.strptime("20260304", "%Y%m%d"), date.fromisoformat("2026-12-07"), str(timedelta(days=2, seconds=5)), str(timedelta(microseconds=5)))
    for bad in [lambda: dt(2026, 2, 30), lambda: dt(2026, 13, 1), lambda: dt.strptime("2026-03", "%Y-%m-%d")]:
        try:
            bad()
        except ValueError as e:
            print("ValueError:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    2026-12-07 16:28:05.250000 datetime.datetime(2026, 12, 7, 16, 28, 5, 250000) datetime.datetime(2026, 1, 2, 0, 0) datetime.datetime(2026, 1, 2, 3, 4, 5) 2026-12-08T01:02:03 2026-12-07 16:28:05.250000
    8:33:57.750000 datetime.timedelta(seconds=30837, microseconds=750000) 30837.75 0 30837 750000
    2026-12-08 02:28:05.250000 2026-10-28 16:27:05.250000 6 days, 23:00:00 -1 day, 23:58:30 0:00:00
    2026-12-07 16:28:05.250000 Mon 07 Dec 2026, 341 16:28 2026 12 7 16 250000
    True True True True 1
    1.5 1:30:00 0:00:30 2 days, 0:00:00 True False
    2024-03-01 datetime.date(2024, 2, 28) 2 3 308 days, 0:00:00 2024-02-01 2026-12-07 2030-06-07 16:28:05.250000
    2026-03-04 05:06:07 2026-03-04 00:00:00 2026-12-07 2 days, 0:00:05 0:00:00.000005
    ValueError: day is out of range for month
    ValueError: month must be in 1..12
    ValueError: time data '2026-03' does not match format '%Y-%m-%d'

    """#)
}

@Test func nowIsTheClocksTime() throws {
  let s = Session()
  #expect(try s.result("import datetime, time\nabs(datetime.datetime.now().timestamp() - time.time()) < 5") == "True")
  #expect(try s.result("datetime.date.today() == datetime.datetime.now().date()") == "True")
  expectError("datetime.datetime(2026, 1, 1) - 1", "TypeError", "unsupported operand type(s) for -: 'datetime' and 'int'", in: s)
  expectError("datetime.datetime.strptime('x', '%B')", "ValueError", "strptime directive %B is not supported here (%Y %m %d %H %M %S %f are)", in: s)
}

/// A date moves by a timedelta's days, which are floored as Python's (CPython 3.11's output).
@Test func aDateMovesByWholeDays() throws {
  let s = Session()
  #expect(
    try s.result("from datetime import date, timedelta\nd = date(2024, 3, 1)\nstr(d + timedelta(hours=-1)), str(d - timedelta(hours=1)), str(d + timedelta(hours=25))")
      == "('2024-02-29', '2024-03-01', '2024-03-02')")
}

/// NaN and infinite inputs are Python's errors (both trapped converting to an integer).
@Test func dateTime_nanAndInfinityAreErrorsAsInPython() {
  let s = Session()
  _ = try? s.run("import datetime")
  for (code, ename, message) in [
    ("datetime.timedelta(float('nan'))", "ValueError", "cannot convert float NaN to integer"),
    ("datetime.timedelta(seconds=float('inf'))", "OverflowError", "cannot convert float infinity to integer"),
    ("datetime.datetime.fromtimestamp(float('nan'))", "ValueError", "Invalid value NaN (not a number)"),
    ("datetime.datetime.fromtimestamp(float('inf'))", "OverflowError", "timestamp out of range for platform time_t"),
  ] {
    let e = s.error(code)
    #expect(e?.ename == ename && e?.evalue == message, "\(code): \(String(describing: e?.evalue))")
  }
}

/// Found by the kernel-wide method fuzz: `timedelta * 10**18` converted an out-of-range
/// float to Int (a trap that killed the kernel); a timedelta past 64-bit microseconds was
/// the same through its constructor and `+`. Now Python's OverflowError (Tabby's limit is
/// 2^62 µs, about 53 million days; Python's 999,999,999 days).
@Test func timedeltaOutOfRangeIsAnOverflowErrorNotACrash() throws {
  let s = Session()
  _ = try s.run("import datetime\nV = datetime.timedelta(days=1, seconds=5)\nbig = datetime.timedelta(days=50000000)\n")
  for code in [
    "V * 10**18", "10**18 * V", "V * 1e300", "V / 1e-300", "datetime.timedelta(days=200000000)",
    "datetime.timedelta(weeks=10**15)", "big + big", "big - -big", "V * float('inf')",
  ] {
    #expect(s.error(code)?.ename == "OverflowError", "\(code)")
  }
  expectError("V * 10**18", "OverflowError", "days=", in: s, prefix: true)
  expectError("V * float('nan')", "ValueError", "cannot convert float NaN to integer", in: s)
  #expect(try s.result("(big + V - big) == V, str(V * 2.5), -big == big * -1") == "(True, '2 days, 12:00:12.500000', True)")
}

/// Found by the same fuzz: Path.mkdir with a negative or huge mode converted it to mode_t
/// (a trap). The mode is truncated to its low bits, as the C call takes it.
@Test func pathMkdirWithAnOddModeIsNotACrash() throws {
  let s = Session()
  _ = try s.run(
    "import tempfile, shutil\nfrom pathlib import Path\ntop = tempfile.mkdtemp()\np = Path(top) / 'a'\np.mkdir(mode=-1)\n"
      + "q = p / 'sub'\nq.mkdir(10**18)\nprint(p.is_dir(), q.is_dir())\nshutil.rmtree(top)")
  #expect(s.sink.text(.stdout) == "True True\n")
}

@Test func dateTime_fromisoformatAsCPython() throws {
  // CPython 3.11's output: its ISO 8601 forms and its error messages.
  let s = Session()
  _ = try s.run(
    #"""
    from datetime import datetime, date
    for s in ['2024-02-29', '20240229', '2024-02-29T13:45', '2024-02-29 13:45:07', '2024-02-29T13:45:07.25', '2024-02-29T13:45:07,123456789', '20240229T134507', '2024-02-29T13', '2024-02-29T1345']:
        print(repr(s), datetime.fromisoformat(s))
    print(date.fromisoformat('2024-02-29'), date.fromisoformat('20240101'), datetime.fromisoformat(datetime(2023, 5, 6, 7, 8, 9, 10).isoformat()))
    for bad in ['2024-2-29', '2024-02-30', 'x', '', '2024-02-29T', '2024-02-29T13:4', '2024-02-29T25:00']:
        try:
            datetime.fromisoformat(bad)
        except ValueError as e:
            print('ValueError', e)
    try:
        date.fromisoformat('2024-02-29T10:00')
    except ValueError as e:
        print('ValueError', e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    '2024-02-29' 2024-02-29 00:00:00
    '20240229' 2024-02-29 00:00:00
    '2024-02-29T13:45' 2024-02-29 13:45:00
    '2024-02-29 13:45:07' 2024-02-29 13:45:07
    '2024-02-29T13:45:07.25' 2024-02-29 13:45:07.250000
    '2024-02-29T13:45:07,123456789' 2024-02-29 13:45:07.123456
    '20240229T134507' 2024-02-29 13:45:07
    '2024-02-29T13' 2024-02-29 13:00:00
    '2024-02-29T1345' 2024-02-29 13:45:00
    2024-02-29 2024-01-01 2023-05-06 07:08:09.000010
    ValueError Invalid isoformat string: '2024-2-29'
    ValueError day is out of range for month
    ValueError Invalid isoformat string: 'x'
    ValueError Invalid isoformat string: ''
    ValueError Invalid isoformat string: '2024-02-29T'
    ValueError Invalid isoformat string: '2024-02-29T13:4'
    ValueError hour must be in 0..23
    ValueError Invalid isoformat string: '2024-02-29T10:00'

    """#)
  expectError("datetime.fromisoformat('2024-02-29T10:00+01:00')", "ValueError", "'2024-02-29T10:00+01:00' has a time zone; Tabby's datetimes have none (drop the suffix)", in: s)
}
