/// Indexing, slicing and attribute access.
enum Access {
  static func attribute(_ object: Value, _ name: String) throws(CellError) -> Value {
    if case .host(let h) = object {
      let found: Value?
      do { found = try h.attribute(name) } catch { throw Interpreter.cellError(from: error) }
      if let found { return found }
    } else if let method = Methods.bound(object, name) {
      return .function(method)
    } else if let v = Methods.numberAttribute(object, name) {
      return v
    } else if case .function(let f) = object, name == "__name__" {
      return .string(f.name)
    } else if case .function(let f) = object, !f.isUserFunction, let method = Methods.unbound(f, name) {
      return .function(method)
    }
    if case .host(let c as ClassObject) = object {
      throw CellError(ename: "AttributeError", "type object '\(c.name)' has no attribute '\(name)'")
    }
    throw CellError(ename: "AttributeError", "'\(object.typeName)' object has no attribute '\(name)'")
  }

  /// A Python index into a sequence of `count` items (negative counts from the end).
  static func position(_ index: Value, count: Int, kind: String) throws(CellError) -> Int {
    guard case .int(let i)? = index.numeric, !isFloat(index) else {
      throw .typeError("\(kind) indices must be integers or slices, not \(index.typeName)")
    }
    let p = i < 0 ? i + count : i
    guard p >= 0 && p < count else {
      throw CellError(ename: "IndexError", "\(kind) index out of range")
    }
    return p
  }

  private static func isFloat(_ v: Value) -> Bool {
    if case .float = v { return true }
    return false
  }

  /// body's result, or nil where it raised KeyError (a mapping without the key, where
  /// the caller has a fallback, as Python code catching KeyError does).
  static func unlessKeyError<T>(_ body: () throws(CellError) -> T) throws(CellError) -> T? {
    do { return try body() } catch {
      if error.ename == "KeyError" { return nil }
      throw error
    }
  }

  static func item(_ object: Value, _ index: Value) throws(CellError) -> Value {
    if case .host(let s as SliceObject) = index { return try slice(object, s) }
    switch object {
    case .list(let l): return l.items[try position(index, count: l.items.count, kind: "list")]
    case .tuple(let t): return t[try position(index, count: t.count, kind: "tuple")]
    case .string(let s):
      let scalars = Array(s.unicodeScalars)
      return .string(String(scalars[try position(index, count: scalars.count, kind: "string")]))
    case .dict(let d):
      if let v = try d.get(index) { return v }
      if let v = try d.flavor?.missing(index, in: d) { return v }
      throw CellError(ename: "KeyError", index.repr)
    case .host(let r as RangeObject):
      return .int(r.element(try position(index, count: r.count, kind: "range object")))
    case .host(let h):
      let found: Value?
      do { found = try h.item(index) } catch { throw Interpreter.cellError(from: error) }
      if let found { return found }
      throw .typeError("'\(h.typeName)' object is not subscriptable")
    default:
      throw .typeError("'\(object.typeName)' object is not subscriptable")
    }
  }

  static func slice(_ object: Value, _ s: SliceObject) throws(CellError) -> Value {
    func pick<T>(_ items: [T]) throws(CellError) -> [T] {
      try s.indices(count: items.count).map { items[$0] }
    }
    switch object {
    case .list(let l): return .list(ListObject(try pick(l.items)))
    case .tuple(let t): return .tuple(try pick(t))
    case .string(let str): return .string(String(String.UnicodeScalarView(try pick(Array(str.unicodeScalars)))))
    case .host(let r as RangeObject):
      // A range's slice is a range, as in Python (range(10)[::2] is range(0, 10, 2)).
      let (start, stop, step) = try s.adjusted(count: r.count)
      func checked(_ v: (partialValue: Int, overflow: Bool)) throws(CellError) -> Int {
        guard !v.overflow else { throw CellError(ename: "OverflowError", "range too large (integers are 64-bit)") }
        return v.partialValue
      }
      let first = try checked(r.start.addingReportingOverflow(try checked(start.multipliedReportingOverflow(by: r.step))))
      let last = try checked(r.start.addingReportingOverflow(try checked(stop.multipliedReportingOverflow(by: r.step))))
      return .host(try RangeObject(first, last, try checked(r.step.multipliedReportingOverflow(by: step))))
    case .host(let a as ArrayValue): return try a.index([.host(s)][...])
    case .host(let i as InstanceObject): return try Protocols.getItem(i, .host(s))
    case .host(let h):
      // Any other host object takes the slice itself (pathlib's parents), as item() does.
      let found: Value?
      do { found = try h.item(.host(s)) } catch { throw Interpreter.cellError(from: error) }
      if let found { return found }
      throw .typeError("'\(h.typeName)' object is not subscriptable")
    default: throw .typeError("'\(object.typeName)' object is not subscriptable")
    }
  }

  static func setItem(_ object: Value, _ index: Value, _ value: Value) throws(CellError) {
    switch object {
    case .list(let l):
      if case .host(let s as SliceObject) = index {
        let idx = try s.indices(count: l.items.count)
        guard case .list(let src) = value else { throw .typeError("can only assign a list to a slice") }
        guard s.isContiguous, let first = idx.first ?? s.startPosition(count: l.items.count) else {
          throw .valueError("extended slice assignment is not supported")
        }
        l.items.replaceSubrange(first..<(first + idx.count), with: src.items)
        return
      }
      l.items[try position(index, count: l.items.count, kind: "list")] = value
    case .dict(let d):
      try d.set(index, value)
    case .host(let i as InstanceObject):
      try Protocols.setItem(i, index, value)
    default:
      throw .typeError("'\(object.typeName)' object does not support item assignment")
    }
  }

  static func deleteItem(_ object: Value, _ index: Value) throws(CellError) {
    switch object {
    case .list(let l):
      if case .host(let s as SliceObject) = index {
        let positions = try s.indices(count: l.items.count)
        if s.isContiguous, let first = positions.first {
          l.items.removeSubrange(first..<(first + positions.count))
        } else if !positions.isEmpty {
          let doomed = Set(positions)
          l.items = l.items.indices.filter { !doomed.contains($0) }.map { l.items[$0] }
        }
        return
      }
      l.items.remove(at: try position(index, count: l.items.count, kind: "list"))
    case .dict(let d):
      if try d.remove(index) == nil { throw CellError(ename: "KeyError", index.repr) }
    case .host(let i as InstanceObject):
      try Protocols.deleteItem(i, index)
    default:
      throw .typeError("'\(object.typeName)' object does not support item deletion")
    }
  }
}

extension Evaluator {
  func assign(_ target: Expr, _ value: Value) throws(CellError) {
    switch target.kind {
    case .name(let n):
      if let scope, scope.nonlocalNames.contains(n) {
        guard let owner = scope.owner(ofNonlocal: n) else {
          throw CellError(ename: "NameError", "no binding for nonlocal '\(n)' found", span: target.span)
        }
        owner.variables[n] = value
      } else if let scope, !scope.globalNames.contains(n) {
        scope.variables[n] = value
      } else if var old = interpreter.globals.updateValue(value, forKey: n) {
        Value.dispose(&old)
      }
    case .attribute(let objectExpr, let name):
      let object = try eval(objectExpr)
      try at(target.span) { () throws(CellError) in
        guard case .host(let h) = object else {
          throw CellError(ename: "AttributeError", "'\(object.typeName)' object attribute '\(name)' is read-only")
        }
        do { try h.setAttribute(name, value) } catch { throw Interpreter.cellError(from: error) }
      }
    case .index(let objectExpr, let indexExpr):
      let object = try eval(objectExpr)
      let index = try eval(indexExpr)
      try at(target.span) { () throws(CellError) in try Access.setItem(object, index, value) }
    case .tuple(let targets), .list(let targets):
      try assignUnpacking(targets, value, span: target.span)
    default:
      throw .syntax("cannot assign to expression", target.span)
    }
  }

  /// `name := value`: in a comprehension it binds in the nearest enclosing scope that is
  /// not a comprehension's, as in Python (`any((hit := x) > 3 for x in xs)` leaves `hit`).
  func assignNamed(_ name: String, _ value: Value, span: SourceSpan) throws(CellError) {
    guard let scope, scope.isComprehension else { return try assign(Expr(kind: .name(name), span: span), value) }
    var owner = scope.parent
    while let s = owner, s.isComprehension { owner = s.parent }
    try Evaluator(interpreter: interpreter, context: context, scope: owner).assign(Expr(kind: .name(name), span: span), value)
  }

  /// `a, b = xs` and `first, *rest = xs`.
  func assignUnpacking(_ targets: [Expr], _ value: Value, span: SourceSpan) throws(CellError) {
    let star = targets.firstIndex { if case .starred = $0.kind { true } else { false } }
    var iterator = try at(span) { () throws(CellError) in try ValueIterator(value) }
    var items: [Value] = []
    while let item = iterator.next() {
      items.append(item)
      if star == nil && items.count > targets.count { break }
    }
    let needed = star == nil ? targets.count : targets.count - 1
    guard star == nil ? items.count == needed : items.count >= needed else {
      let message = star == nil && items.count > needed
        ? "too many values to unpack (expected \(needed))"
        : "not enough values to unpack (expected \(star == nil ? "" : "at least ")\(needed), got \(items.count))"
      throw CellError.valueError(message, span)
    }
    guard let star, case .starred(let starTarget) = targets[star].kind else {
      for (t, item) in zip(targets, items) { try assign(t, item) }
      return
    }
    let after = targets.count - star - 1
    for i in 0..<star { try assign(targets[i], items[i]) }
    try assign(starTarget, .list(Array(items[star..<(items.count - after)])))
    for i in 0..<after { try assign(targets[star + 1 + i], items[items.count - after + i]) }
  }

  func delete(_ target: Expr) throws(CellError) {
    switch target.kind {
    case .name(let n):
      if let scope, !scope.globalNames.contains(n) {
        guard scope.variables.removeValue(forKey: n) != nil else {
          throw CellError(ename: "NameError", "name '\(n)' is not defined", span: target.span)
        }
        return
      }
      guard var old = interpreter.globals.removeValue(forKey: n) else {
        throw CellError(ename: "NameError", "name '\(n)' is not defined", span: target.span)
      }
      Value.dispose(&old)
    case .index(let objectExpr, let indexExpr):
      let object = try eval(objectExpr)
      let index = try eval(indexExpr)
      try at(target.span) { () throws(CellError) in try Access.deleteItem(object, index) }
    case .attribute(let objectExpr, let name):
      let object = try eval(objectExpr)
      try at(target.span) { () throws(CellError) in try Members.deleteAttribute(object, name) }
    default:
      throw .syntax("cannot delete this expression", target.span)
    }
  }
}

/// Iteration over the iterable values: lists (a snapshot), tuples, strings (code
/// points), dict keys, ranges (lazily, so `range(10**9)` costs nothing up front).
struct ValueIterator {
  private var items: [Value] = []
  private var range: RangeObject?
  private var i = 0

  init(_ v: Value) throws(CellError) {
    switch v {
    case .list(let l): items = l.items
    case .tuple(let t): items = t
    case .string(let s): items = s.unicodeScalars.map { .string(String($0)) }
    case .dict(let d): items = d.keys
    case .host(let r as RangeObject): range = r
    case .host(let h):
      let values: [Value]?
      do { values = try h.iterate() } catch { throw Interpreter.cellError(from: error) }
      guard let values else { throw .typeError("'\(v.typeName)' object is not iterable") }
      items = values
    default: throw .typeError("'\(v.typeName)' object is not iterable")
    }
  }

  mutating func next() -> Value? {
    if let r = range {
      guard i < r.count else { return nil }
      defer { i += 1 }
      return .int(r.element(i))
    }
    guard i < items.count else { return nil }
    defer { i += 1 }
    return items[i]
  }

  /// What is left, all at once (`list(it)` of an iterator object), leaving it exhausted.
  mutating func remaining() throws(CellError) -> [Value] {
    if let r = range {
      try Memory.checkItems(r.count - i, "list")
      defer { i = r.count }
      return (i..<r.count).map { .int(r.element($0)) }
    }
    defer { i = items.count }
    return i == 0 ? items : Array(items[i...])
  }

  /// All the items (for `list(x)`, `sorted(x)`, …).
  static func collect(_ v: Value) throws(CellError) -> [Value] {
    if case .host(let r as RangeObject) = v { try Memory.checkItems(r.count, "list") }
    var it = try ValueIterator(v)
    var out: [Value] = []
    while let x = it.next() { out.append(x) }
    return out
  }
}

extension Value {
  /// The items of an iterable value (list, tuple, str, dict keys, range, an iterable host
  /// value), for built-ins defined outside the language; `range(10**12)` is refused.
  public func iterated() throws(CellError) -> [Value] { try ValueIterator.collect(self) }
}
