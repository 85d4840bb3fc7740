/// A JSON value. Objects keep their keys in insertion order so that what we
/// write reads the way we built it (and round-trips byte-stable in tests).
public enum JSON: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSON])
  case object(JSONObject)
}

/// An insertion-ordered string-keyed map, the payload of `JSON.object`.
public struct JSONObject: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
  public private(set) var keys: [String] = []
  private var values: [String: JSON] = [:]

  public init() {}
  public init(dictionaryLiteral elements: (String, JSON)...) {
    for (k, v) in elements { self[k] = v }
  }
  public init(_ pairs: [(String, JSON)]) {
    for (k, v) in pairs { self[k] = v }
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  public subscript(key: String) -> JSON? {
    get { values[key] }
    set {
      if let newValue {
        if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
      } else if values.removeValue(forKey: key) != nil {
        keys.removeAll { $0 == key }
      }
    }
  }

  public func makeIterator() -> AnyIterator<(key: String, value: JSON)> {
    var i = 0
    return AnyIterator {
      guard i < keys.count else { return nil }
      defer { i += 1 }
      return (keys[i], values[keys[i]]!)
    }
  }

  public static func == (a: JSONObject, b: JSONObject) -> Bool {
    a.values == b.values
  }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSON...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
}

extension JSON {
  /// Convenience constructor from an integer.
  public static func int(_ v: Int) -> JSON { .number(Double(v)) }

  public subscript(key: String) -> JSON? {
    if case .object(let o) = self { return o[key] }
    return nil
  }
  public subscript(index: Int) -> JSON? {
    if case .array(let a) = self, a.indices.contains(index) { return a[index] }
    return nil
  }
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  public var doubleValue: Double? {
    if case .number(let d) = self { return d }
    return nil
  }
  /// The value as an Int when it is an integral number in range.
  public var intValue: Int? {
    if case .number(let d) = self, d.rounded() == d, abs(d) < 9.2e18 { return Int(d) }
    return nil
  }
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
  public var arrayValue: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }
  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }
  public var isNull: Bool { self == .null }
}
