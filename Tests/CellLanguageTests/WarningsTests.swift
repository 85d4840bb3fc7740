import CellLanguage
import Testing

// `import warnings`: the cell is also valid Python; its stdout is what CPython 3.11 prints,
// and its stderr shows the same warnings in the same order ("<cell>: Category: message",
// where Python names the file and line and repeats the source line).

@Test func warnings_filtersAndActionsMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import warnings
    warnings.warn('first')
    warnings.warn('old api', DeprecationWarning)
    warnings.warn('pending', PendingDeprecationWarning)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        warnings.warn('hidden inside')
    warnings.warn('shown after the block')
    warnings.filterwarnings('ignore', message='noisy')
    warnings.warn('NOISY thing')
    warnings.warn('quiet thing')
    warnings.simplefilter('always', FutureWarning)
    warnings.warn('again', FutureWarning)
    warnings.warn('again', FutureWarning)
    warnings.simplefilter('error', RuntimeWarning)
    try:
        warnings.warn('boom', RuntimeWarning)
    except RuntimeWarning as e:
        print('caught', type(e).__name__, e)
    try:
        warnings.warn('also', RuntimeWarning)
    except Warning as e:
        print('caught as Warning:', e)
    warnings.filterwarnings('ignore')
    warnings.warn('everything ignored now', UserWarning)
    print(issubclass(UserWarning, Warning), issubclass(DeprecationWarning, Exception))
    try:
        warnings.simplefilter('loud')
    except AssertionError as e:
        print('AssertionError', e)
    print('done')
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    caught RuntimeWarning boom
    caught as Warning: also
    True True
    AssertionError invalid action: 'loud'
    done

    """##)
  #expect(
    s.sink.text(.stderr) == ##"""
    <cell>: UserWarning: first
    <cell>: DeprecationWarning: old api
    <cell>: UserWarning: shown after the block
    <cell>: UserWarning: quiet thing
    <cell>: FutureWarning: again
    <cell>: FutureWarning: again

    """##)
}

@Test func warnings_defaultActionShowsOncePerCellAndAgainOnARerun() throws {
  let s = Session()
  let cell = "import warnings\nfor i in range(3):\n    warnings.warn('slow path')"
  _ = try s.run(cell)
  #expect(s.sink.text(.stderr) == "<cell>: UserWarning: slow path\n")
  _ = try s.run(cell)
  #expect(s.sink.text(.stderr) == "<cell>: UserWarning: slow path\n<cell>: UserWarning: slow path\n")
  #expect(try s.result("issubclass(ValueError, (KeyError, Exception)), issubclass(Exception, ValueError)") == "(True, False)")
  #expect(s.error("warnings.warn('x', 5)")?.evalue == "category must be a Warning subclass, not 'int'")
}
