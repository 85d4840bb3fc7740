import CellLanguage
import Testing

// string.Template and string.capwords: the cell is also valid Python, and its expected output is what
// CPython 3.11 prints for it.

/// Template: $name, ${name}, $$, keywords over the mapping, safe_substitute, is_valid, get_identifiers, and the KeyError and ValueError (line and column) of substitute; capwords with and without sep.
@Test func string_templateAndCapwordsMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from string import Template, capwords
    import string
    def t(f, *a, **k):
        try:
            print(repr(f(*a, **k)))
        except Exception as e:
            print(type(e).__name__ + ':', e)
    s = Template('$who likes ${what}s; costs $$10 (${who}_x)')
    print(s.substitute(who='tim', what='kung pao'), s.substitute({'who': 'ann', 'what': 'tea'}, what='coffee'))
    print(s.safe_substitute(who='bo'), s.template, s.is_valid(), s.get_identifiers())
    d = dict(who='x', what=3)
    print(Template('$who$what ${what}9 $what9 $_a').safe_substitute(d), Template('$who $').safe_substitute(d), Template('a $5 ${x').safe_substitute())
    print(Template('${ab c} $').is_valid(), Template('$A_b1 ${c} $A_b1').get_identifiers(), Template('').substitute())
    t(Template('$who and $missing').substitute, d)
    t(Template('line1\nline two $ x').substitute, d)
    t(Template('ok $who\r\n  $5').substitute, d)
    t(Template('${who').substitute, d)
    t(Template('$who').substitute)
    print(capwords('hello   world, it is  a test'), capwords(' tab\tand\nnew LINE '), capwords('a-b-c', '-'), capwords('aBC dEF'), repr(capwords('')))
    t(capwords, 'a b', '')
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    tim likes kung paos; costs $10 (tim_x) ann likes coffees; costs $10 (ann_x)
    bo likes ${what}s; costs $10 (bo_x) $who likes ${what}s; costs $$10 (${who}_x) True ['who', 'what']
    x3 39 $what9 $_a x $ a $5 ${x
    False ['A_b1', 'c'] 
    KeyError: 'missing'
    ValueError: Invalid placeholder in string: line 2, col 10
    ValueError: Invalid placeholder in string: line 2, col 3
    ValueError: Invalid placeholder in string: line 1, col 1
    KeyError: 'who'
    Hello World, It Is A Test Tab And New Line A-B-C Abc Def ''
    ValueError: empty separator

    """#)
}

