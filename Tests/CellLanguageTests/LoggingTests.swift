import CellLanguage
import Foundation
import Testing

// `import logging`: the cell is also valid Python; its stdout and its stderr are what
// CPython 3.11 writes for the same code (module functions configuring stderr on first
// use, so a later basicConfig does nothing, exactly as there).

@Test func logging_levelsHandlersAndFormatsMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import logging, sys
    logging.info('not shown: root is at WARNING')
    log = logging.getLogger('train')
    print(log, logging.getLogger(), log.getEffectiveLevel(), log.isEnabledFor(logging.INFO), logging.getLevelName(20), logging.getLevelName('ERROR'), logging.getLevelName(5))
    logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format='%(levelname)s %(name)s: %(message)s')
    logging.debug('epoch %d loss %.3f', 3, 0.12345)
    log.info('lr=%s', 0.01)
    log.warning('%(a)s and %(b)s', {'a': 1, 'b': 2})
    logging.basicConfig(level=logging.ERROR, format='ignored %(message)s')
    logging.info('basicConfig again does nothing (%s)', 'no force')
    sub = logging.getLogger('train.eval')
    sub.setLevel('WARNING')
    sub.info('dropped')
    sub.error('kept: %s', [1, 2])
    print(sub, sub.parent, sub.getEffectiveLevel(), log.level, sub.level)
    h = logging.StreamHandler(sys.stdout)
    h.setFormatter(logging.Formatter('[%(levelname)-8s] %(message)s'))
    quiet = logging.getLogger('quiet')
    quiet.addHandler(h)
    quiet.propagate = False
    quiet.warning('only once, own format')
    quiet.setLevel(logging.CRITICAL)
    quiet.error('dropped by level')
    print(quiet.handlers, len(logging.getLogger().handlers), quiet.hasHandlers(), logging.getLogger('nobody').hasHandlers())
    logging.basicConfig(force=True, stream=sys.stdout, format='%(name)s|%(levelno)d|%(message)s', level=logging.INFO)
    logging.log(logging.WARNING, 'via log %s', 'x')
    log.critical('critical %s', (1, 2))
    logging.disable(logging.WARNING)
    log.warning('disabled')
    log.error('still shown')
    logging.disable(logging.NOTSET)
    try:
        log.setLevel('LOUD')
    except ValueError as e:
        print('ValueError', e)
    print(logging.DEBUG, logging.INFO, logging.WARNING, logging.WARN, logging.ERROR, logging.CRITICAL, logging.FATAL, logging.NOTSET)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    <Logger train (WARNING)> <RootLogger root (WARNING)> 30 False INFO 40 Level 5
    <Logger train.eval (WARNING)> <Logger train (WARNING)> 30 0 30
    [WARNING ] only once, own format
    [<StreamHandler <stdout> (NOTSET)>] 1 True True
    root|30|via log x
    train|50|critical (1, 2)
    train|40|still shown
    ValueError Unknown level: 'LOUD'
    10 20 30 30 40 50 50 0

    """##)
  #expect(
    s.sink.text(.stderr) == ##"""
    WARNING:train:1 and 2
    ERROR:train.eval:kept: [1, 2]

    """##)
}

@Test func logging_fileHandlerAppendsWithTimestamps() throws {
  let dir = ScratchDirectory()
  let s = Session()
  let path = Value.string(dir.path + "/train.log").repr
  _ = try s.run(
    """
    import logging
    log = logging.getLogger('run')
    log.setLevel(logging.INFO)
    fh = logging.FileHandler(\(path), mode='w')
    fh.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(message)s'))
    log.addHandler(fh)
    log.info('epoch %d', 1)
    log.debug('not written')
    log.warning('done')
    """)
  let text = try String(contentsOfFile: dir.path + "/train.log", encoding: .utf8)
  let lines = text.split(separator: "\n").map(String.init)
  #expect(lines.count == 2, "\(text)")
  // asctime as Python's default: 2026-12-07 20:11:14,123
  let stamp = try Regex(#"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "#)
  #expect(lines.first?.firstMatch(of: stamp) != nil && lines.first?.hasSuffix(" INFO epoch 1") == true, "\(lines)")
  #expect(lines.last?.hasSuffix(" WARNING done") == true)
  // A logger without handlers anywhere falls back to the bare message on stderr (WARNING and up).
  let bare = Session()
  _ = try bare.run("import logging\nlogging.getLogger('x').warning('careful %s', 'now')\nlogging.getLogger('x').info('quiet')")
  #expect(bare.sink.text(.stderr) == "careful now\n")
  // None where Python has None (these read as missing attributes once).
  #expect(try bare.result("logging.getLogger().parent, logging.StreamHandler().formatter, logging.getLogger('x').parent") == "(None, None, <RootLogger root (WARNING)>)")
  let e = bare.error("logging.getLogger('x').warning('%d', 'not a number')")
  #expect(e?.ename == "TypeError")
}
