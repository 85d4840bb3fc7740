/// Built-ins for characters, number bases, powers and attributes by name: chr ord hex bin
/// oct pow format hasattr getattr callable.
extension StandardLibrary {
  static func characters() -> [Builtin] {
    [
      Builtin("chr(i)", summary: "The one-character string for a Unicode code point: chr(97) is 'a'.") { a, _ in
        let i = try a.int("i", default: 0)
        guard (0...0x10FFFF).contains(i) else { throw CellError.valueError("chr() arg not in range(0x110000)") }
        // Surrogates are not scalars in Swift; Python allows them in str, Tabby does not.
        guard let scalar = Unicode.Scalar(UInt32(i)) else { throw CellError.valueError("chr() arg is a surrogate (\(i))") }
        return .string(String(Character(scalar)))
      },
      Builtin("ord(c)", summary: "The Unicode code point of a one-character string: ord('a') is 97.") { a, _ in
        guard case .string(let s)? = a["c"] else {
          throw CellError.typeError("ord() expected string of length 1, but \(a["c"]?.typeName ?? "None") found")
        }
        let scalars = s.unicodeScalars
        guard scalars.count == 1 else { throw CellError.typeError("ord() expected a character, but string of length \(scalars.count) found") }
        return .int(Int(scalars.first!.value))
      },
      radix("hex", 16, "0x", "An integer in hexadecimal: hex(255) is '0xff'."),
      radix("oct", 8, "0o", "An integer in octal: oct(8) is '0o10'."),
      radix("bin", 2, "0b", "An integer in binary: bin(5) is '0b101'."),
      Builtin(
        "pow(base, exp, mod=None)", summary: "base ** exp, or (base ** exp) % mod computed without the huge power.",
        details: "pow(2, 10) is 1024; pow(3, 200, 7) stays within 64 bits by reducing as it goes."
      ) { a, _ in
        guard let mod = a.value("mod") else { return try Operators.binary(.power, a["base"]!, a["exp"]!) }
        guard case .int(let b) = a["base"]!, case .int(let e) = a["exp"]!, case .int(let m) = mod else {
          throw CellError.typeError("pow() 3rd argument not allowed unless all arguments are integers")
        }
        guard m != 0 else { throw CellError.valueError("pow() 3rd argument cannot be 0") }
        guard e >= 0 else { throw CellError.valueError("pow() negative exponent with a modulus is not supported") }
        return .int(powMod(b, e, m))
      },
      Builtin("format(value, format_spec='')", summary: "A value formatted by a spec, as in f'{value:spec}': format(3.14159, '.2f').") { a, _ in
        .string(try Format.format(a["value"]!, spec: try a.string("format_spec", default: "")))
      },
      Builtin("hasattr(obj, name)", summary: "Whether obj has the attribute name.") { a, _ in
        let name = try a.string("name", default: "")
        do { _ = try Access.attribute(a["obj"]!, name); return .bool(true) } catch let e as CellError where e.ename == "AttributeError" {
          return .bool(false)
        }
      },
      Builtin("getattr(obj, name, default=None)", summary: "obj.name, or default when obj has no such attribute.") { a, _ in
        let name = try a.string("name", default: "")
        do { return try Access.attribute(a["obj"]!, name) } catch let e as CellError where e.ename == "AttributeError" {
          guard let fallback = a["default"] else { throw e }
          return fallback
        }
      },
      Builtin("callable(obj)", summary: "Whether obj can be called (a function, a built-in, a callable host object).") { a, _ in
        switch a["obj"]! {
        case .function: return .bool(true)
        case .host(let h): return .bool(h.callSignature != nil)
        default: return .bool(false)
        }
      },
    ]
  }

  /// hex, oct and bin: the sign, the prefix, then the digits.
  private static func radix(_ name: String, _ base: Int, _ prefix: String, _ summary: String) -> Builtin {
    Builtin("\(name)(x)", summary: summary) { a, _ in
      let i: Int
      switch a["x"]! {
      case .int(let n): i = n
      case .bool(let b): i = b ? 1 : 0
      case let v: throw CellError.typeError("'\(v.typeName)' object cannot be interpreted as an integer")
      }
      return .string((i < 0 ? "-" : "") + prefix + String(i.magnitude, radix: base))
    }
  }

  /// (b ** e) mod m with Python's sign rule (the result takes m's sign), squaring as it goes.
  static func powMod(_ b: Int, _ e: Int, _ m: Int) -> Int {
    let modulus = m.magnitude
    var base = b.magnitude % modulus
    if b < 0 && base != 0 { base = modulus - base }
    var result: UInt = 1 % modulus
    var e = e
    while e > 0 {
      if e & 1 == 1 { result = modulus.dividingFullWidth(result.multipliedFullWidth(by: base)).remainder }
      base = modulus.dividingFullWidth(base.multipliedFullWidth(by: base)).remainder
      e >>= 1
    }
    // Python's result takes the modulus's sign.
    return m < 0 && result != 0 ? -Int(modulus - result) : Int(result)
  }
}
