import JSON

/// Imports an MXNet checkpoint (`PREFIX-symbol.json` + `PREFIX-EPOCH.params`) into a Graph.
///
/// MXNet operators are translated to their ONNX equivalents on import (Convolution → Conv,
/// FullyConnected → Flatten + Gemm, …) so that one executor serves both formats.
public enum MXNetSymbol {
  /// Parses symbol JSON and binds the parameters; `paramsFile` only names the file in errors.
  public static func importGraph(
    symbol: [UInt8], params: [MXNetParams.Entry], paramsFile: String = "params"
  ) throws(ModelLoadError) -> Graph {
    let json: JSON
    do { json = try JSON.parse(symbol) } catch { throw ModelLoadError("symbol JSON: \(error)") }
    let symbolNodes = try parseNodes(json)
    var table: [String: HostArray] = [:]
    for e in params {
      guard let name = e.name else { throw ModelLoadError("parameters have no names (an unnamed list)", file: paramsFile) }
      guard let a = e.array else { continue }
      let bare = name.hasPrefix("arg:") || name.hasPrefix("aux:") ? String(name.dropFirst(4)) : name
      table[bare] = a
    }
    var b = SymbolBuilder(nodes: symbolNodes, params: table, paramsFile: paramsFile)
    try b.build()
    let heads = try parseEntries(json["heads"], what: "heads", count: symbolNodes.count)
    let outputs = heads.map { ValueInfo(name: b.valueName($0.node, $0.index), dtype: .float32, shape: nil) }
    return Graph(
      nodes: b.out, inputs: b.inputs, outputs: outputs, initializers: b.initializers, opset: 13,
      format: "MXNet")
  }

  struct SymbolNode {
    var op: String
    var name: String
    var attrs: [String: String]
    var inputs: [(node: Int, index: Int)]
  }

  static func parseNodes(_ json: JSON) throws(ModelLoadError) -> [SymbolNode] {
    guard let list = json["nodes"]?.arrayValue else {
      throw ModelLoadError("symbol JSON: no \"nodes\" array")
    }
    var nodes: [SymbolNode] = []
    for (i, n) in list.enumerated() {
      guard let op = n["op"]?.stringValue, let name = n["name"]?.stringValue else {
        throw ModelLoadError("symbol JSON: node \(i) lacks \"op\" or \"name\"")
      }
      var attrs: [String: String] = [:]
      // Older files use "attr" or "param"; nnvm merges all three.
      for key in ["param", "attr", "attrs"] {
        guard let o = n[key] else { continue }
        guard let obj = o.objectValue else { throw ModelLoadError("symbol JSON: node '\(name)' \(key) is not an object") }
        for (k, v) in obj {
          guard let s = v.stringValue else { throw ModelLoadError("symbol JSON: node '\(name)' attribute \(k) is not a string") }
          attrs[k] = s
        }
      }
      let inputs = try parseEntries(n["inputs"] ?? .array([]), what: "node '\(name)' inputs", count: i)
      nodes.append(SymbolNode(op: op, name: name, attrs: attrs, inputs: inputs))
    }
    return nodes
  }

  /// Parses `[[node, index, version], …]`; every node index must be below `count`.
  static func parseEntries(_ json: JSON?, what: String, count: Int) throws(ModelLoadError)
    -> [(node: Int, index: Int)]
  {
    guard let list = json?.arrayValue else { throw ModelLoadError("symbol JSON: \(what) is not an array") }
    var out: [(node: Int, index: Int)] = []
    for e in list {
      guard let a = e.arrayValue, a.count >= 2, a.count <= 3, let n = a[0].intValue, let k = a[1].intValue,
        n >= 0, n < count, k >= 0, k < 64
      else {
        throw ModelLoadError("symbol JSON: \(what): bad entry \(e.text) (needs [node, output] with node < \(count))")
      }
      out.append((n, k))
    }
    return out
  }
}

/// Attribute parsing in MXNet's string forms: "(5, 5)", "True", "1e-05".
struct MXAttrs {
  let attrs: [String: String]
  let node: String
  let op: String

  func fail(_ key: String, _ why: String) -> ModelLoadError {
    ModelLoadError("MXNet \(op) node '\(node)': attribute \(key)=\"\(attrs[key] ?? "")\" \(why)")
  }

  func tuple(_ key: String) throws(ModelLoadError) -> [Int]? {
    guard let s = attrs[key] else { return nil }
    let body = s.trimmingCharacters(in: "()[] ")
    if body.isEmpty { return [] }
    var out: [Int] = []
    for part in body.split(separator: ",") {
      let t = String(part).trimmingCharacters(in: " ")
      if t.isEmpty { continue }
      guard let v = Int(t), v >= -1, v < 1 << 24 else { throw fail(key, "is not a tuple of integers") }
      out.append(v == -1 ? 0 : v)
    }
    return out
  }

  func int(_ key: String, _ def: Int) throws(ModelLoadError) -> Int {
    guard let s = attrs[key] else { return def }
    guard let v = Int(s.trimmingCharacters(in: " ")), abs(v) < 1 << 24 else { throw fail(key, "is not an integer") }
    return v
  }

  func float(_ key: String, _ def: Float) throws(ModelLoadError) -> Float {
    guard let s = attrs[key] else { return def }
    guard let v = Float(s.trimmingCharacters(in: " ")) else { throw fail(key, "is not a number") }
    return v
  }

  func bool(_ key: String, _ def: Bool) throws(ModelLoadError) -> Bool {
    guard let s = attrs[key] else { return def }
    switch s.lowercased() {
    case "true", "1": return true
    case "false", "0": return false
    default: throw fail(key, "is not a boolean")
    }
  }

  func string(_ key: String, _ def: String) -> String { attrs[key] ?? def }
}

extension String {
  func trimmingCharacters(in set: String) -> String {
    let chars = Set(set)
    var s = Substring(self)
    while let f = s.first, chars.contains(f) { s.removeFirst() }
    while let l = s.last, chars.contains(l) { s.removeLast() }
    return String(s)
  }
}
