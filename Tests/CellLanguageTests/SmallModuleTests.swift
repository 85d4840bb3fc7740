import CellLanguage
import Testing

// Cells that use copy, string, glob, unbound type methods and tuple/set methods, each also valid Python: the expected output of every one is
// what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func small_copiesAndSmallModules() throws {
  let dir = ScratchDirectory()
  let s = Session()
  // The glob lines read a folder tree made here (the program is CPython's with its root).
  _ = try s.run(
    "import os\nfor d in ['a/b']:\n    os.makedirs(\(Value.string(dir.path).repr) + '/' + d)\n"
      + "for f in ['x.jpg', 'a/y.jpg', 'a/b/z.jpg', 'a/b/n.txt']:\n    open(\(Value.string(dir.path).repr) + '/' + f, 'w').close()")
  _ = try s.run(
    #"""
    import copy, string, glob
    config = {"layers": [64, 32], "opt": {"lr": 0.1}}
    shallow = copy.copy(config)
    deep = copy.deepcopy(config)
    config["layers"].append(16)
    config["opt"]["lr"] = 0.5
    print(shallow["layers"], deep["layers"], deep["opt"], shallow is config, shallow == config)
    a = [1]
    b = [a, a]
    c = copy.deepcopy(b)
    print(c[0] is c[1], c[0] is a)
    class Box:
        def __init__(self, items): self.items = items
    bx = Box([1, 2])
    bx2 = copy.deepcopy(bx)
    bx2.items.append(3)
    print(bx.items, bx2.items, type(bx2).__name__)
    print(string.ascii_lowercase[:5], string.digits, len(string.punctuation), string.ascii_uppercase[-1])
    print(glob.glob("/tmp/tabby-globtest/*.jpg"), sorted(glob.glob("/tmp/tabby-globtest/**/*.jpg", recursive=True)))
    words = ["apple", "Banana", "cherry"]
    print(sorted(words, key=str.lower), list(map(str.upper, words)), str.join("-", ["a", "b"]), dict.fromkeys("ab", 0))
    t = (1, 2, 1, 3)
    s = {1, 2}
    s.update([3], {4})
    print(t.count(1), t.index(3), s, s.issuperset({1, 2}), s.isdisjoint({9}), sorted(s.symmetric_difference({1, 5})))
    """#.replacing("/tmp/tabby-globtest", with: dir.path))
  #expect(
    s.sink.text(.stdout) == #"""
    [64, 32, 16] [64, 32] {'lr': 0.1} False True
    True False
    [1, 2] [1, 2, 3] Box
    abcde 0123456789 32 Z
    ['/tmp/tabby-globtest/x.jpg'] ['/tmp/tabby-globtest/a/b/z.jpg', '/tmp/tabby-globtest/a/y.jpg', '/tmp/tabby-globtest/x.jpg']
    ['apple', 'Banana', 'cherry'] ['APPLE', 'BANANA', 'CHERRY'] a-b {'a': 0, 'b': 0}
    2 3 {1, 2, 3, 4} True True [2, 3, 4, 5]

    """#.replacing("/tmp/tabby-globtest", with: dir.path))
}

/// time's calendar functions (gmtime/localtime as struct_time, strftime, asctime, mktime,
/// time_ns): output equal to CPython 3.11's for the same cell.
@Test func small_timeCalendarMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import time
    t = time.gmtime(1700000000)
    print(t)
    print(t.tm_year, t[1], t.tm_wday, t.tm_yday, tuple(t)[:3], len(tuple(t)))
    print(time.strftime('%Y-%m-%d %H:%M:%S', t), time.strftime('%a %d %b %Y', time.gmtime(0)), time.asctime(t))
    print(time.gmtime(86400 * 365.25 * 30).tm_year, time.strftime('%j %U %w', (2024, 3, 15, 10, 0, 0, 4, 75, 0)))
    stamp = time.strftime('%Y%m%d-%H%M%S')
    print(len(stamp), stamp[8], isinstance(time.time_ns(), int), time.time_ns() > 1.6e18, time.process_time() >= 0)
    lt = time.localtime(1700000000)
    print(time.mktime(lt) == 1700000000.0, time.localtime().tm_year >= 2024, len(time.ctime(0)) == 24)
    try:
        time.strftime('%Y', 'x')
    except TypeError as e:
        print('TypeError', e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    time.struct_time(tm_year=2023, tm_mon=11, tm_mday=14, tm_hour=22, tm_min=13, tm_sec=20, tm_wday=1, tm_yday=318, tm_isdst=0)
    2023 11 1 318 (2023, 11, 14) 9
    2023-11-14 22:13:20 Thu 01 Jan 1970 Tue Nov 14 22:13:20 2023
    2000 075 10 5
    15 - True True True
    True True True
    TypeError Tuple or struct_time argument required

    """##)
}
