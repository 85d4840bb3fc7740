import JSON

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `import time`: the clock built-ins under their module names, and the monotonic clocks.
enum TimeModule {
  /// `shared`: the interpreter's time() and sleep(), offered as time.time and time.sleep.
  static func make(shared: [Builtin]) -> ModuleObject {
    func monotonic(_ name: String, _ summary: String) -> Builtin {
      Builtin("\(name)()", summary: summary) { _, _ in
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
      }
    }
    return ModuleObject(
      name: "time", summary: "Clocks and waiting, as Python's time module.",
      functions: shared + [
        monotonic("perf_counter", "Seconds on a clock that only moves forward; subtract two to time something."),
        monotonic("monotonic", "Seconds on a clock that only moves forward (as perf_counter)."),
      ] + TimeCalendar.functions())
  }
}

/// `import json`: text to values and back, as Python's json.loads and json.dumps write it
/// (the same separators, indentation, escapes and key conversions).
enum JSONModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "json", summary: "JSON text to values and back (read_json/write_json do files).",
      functions: [
        Builtin("loads(s)", summary: "The value a JSON text holds (dicts, lists, strings, numbers, True/False, None).") { a, _ in
          try parse(try a.string("s", default: ""))
        },
        Builtin("load(fp)", summary: "The value of the JSON text read from an open file: json.load(open('x.json')).") { a, ctx in
          let read = try Access.attribute(a["fp"]!, "read")
          guard case .string(let text) = try ctx.interpreter.call(read, Arguments(), context: ctx) else {
            throw CellError.typeError("the JSON object must be str")
          }
          return try parse(text)
        },
        Builtin(
          "dump(obj, fp, *, indent=None, sort_keys=False, ensure_ascii=True)",
          summary: "Writes obj's JSON text to an open file (as dumps writes it)."
        ) { a, ctx in
          let write = try Access.attribute(a["fp"]!, "write")
          _ = try ctx.interpreter.call(write, Arguments([.string(try text(a))]), context: ctx)
          return .none
        },
        Builtin(
          "dumps(obj, *, indent=None, sort_keys=False, ensure_ascii=True)",
          summary: "The JSON text of a value, as Python writes it: json.dumps({'a': [1, 2]}) is '{\"a\": [1, 2]}'."
        ) { a, _ in
          .string(try text(a))
        },
      ])
  }

  private static func parse(_ text: String) throws(CellError) -> Value {
    let json: JSON
    do { json = try JSON.parse(Array(text.utf8), maxDepth: FileFormats.maxDepth) } catch {
      throw CellError(ename: "JSONDecodeError", "\(error)")
    }
    return FileFormats.value(json)
  }

  /// dumps' text for the arguments obj, indent, sort_keys and ensure_ascii.
  private static func text(_ a: BoundArguments) throws(CellError) -> String {
    var indent: String?
    switch a["indent"] {
    case .int(let n)?: indent = String(repeating: " ", count: max(0, min(n, 64)))
    case .string(let s)?: indent = s
    default: indent = nil
    }
    var writer = Writer(
      indent: indent, sortKeys: try a.bool("sort_keys", default: false), ascii: try a.bool("ensure_ascii", default: true))
    try writer.write(a["obj"] ?? .none, level: 0)
    return writer.out
  }

  struct Writer {
    let indent: String?
    let sortKeys: Bool
    let ascii: Bool
    var out = ""

    mutating func write(_ v: Value, level: Int) throws(CellError) {
      guard level < FileFormats.maxDepth else { throw .valueError("Circular reference detected") }
      switch v {
      case .none: out += "null"
      case .bool(let b): out += b ? "true" : "false"
      case .int: out += v.repr
      case .float(let d): out += d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : v.repr
      case .string(let s): string(s)
      case .list(let l): try sequence(l.items, level)
      case .tuple(let t): try sequence(t, level)
      case .dict(let d):
        var pairs: [(String, Value)] = []
        for (k, item) in zip(d.keys, d.values) {
          switch k {
          case .string(let s): pairs.append((s, item))
          case .bool(let b): pairs.append((b ? "true" : "false", item))
          case .none: pairs.append(("null", item))
          case .int, .float: pairs.append((k.repr, item))
          default: throw .typeError("keys must be str, int, float, bool or None, not \(k.typeName)")
          }
        }
        if sortKeys { pairs.sort { Array($0.0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.0.unicodeScalars.map(\.value)) } }
        guard !pairs.isEmpty else { out += "{}"; return }
        out += "{"
        for (i, (k, item)) in pairs.enumerated() {
          separator(first: i == 0, level: level + 1)
          string(k)
          out += ": "
          try write(item, level: level + 1)
        }
        close(level)
        out += "}"
      default: throw .typeError("Object of type \(v.typeName) is not JSON serializable")
      }
    }

    private mutating func sequence(_ items: [Value], _ level: Int) throws(CellError) {
      guard !items.isEmpty else { out += "[]"; return }
      out += "["
      for (i, item) in items.enumerated() {
        separator(first: i == 0, level: level + 1)
        try write(item, level: level + 1)
      }
      close(level)
      out += "]"
    }

    /// Python's separators: ", " on one line; "," and a new indented line with indent.
    private mutating func separator(first: Bool, level: Int) {
      if let indent {
        out += (first ? "" : ",") + "\n" + String(repeating: indent, count: level)
      } else if !first {
        out += ", "
      }
    }

    private mutating func close(_ level: Int) {
      if let indent { out += "\n" + String(repeating: indent, count: level) }
    }

    /// A JSON string literal with Python's escapes (\uXXXX for non-ASCII when `ascii`).
    private mutating func string(_ s: String) {
      out += "\""
      for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
          if c.value < 0x20 || (ascii && c.value > 0x7F) {
            for unit in String(c).utf16 { out += "\\u" + hex4(unit) }
          } else {
            out.unicodeScalars.append(c)
          }
        }
      }
      out += "\""
    }

    private func hex4(_ u: UInt16) -> String {
      let h = String(u, radix: 16)
      return String(repeating: "0", count: 4 - h.count) + h
    }
  }
}
