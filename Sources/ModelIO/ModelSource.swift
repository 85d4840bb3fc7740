#if canImport(Glibc)
  import Glibc
#endif

/// Which files make up a model named by a path.
enum ModelSource: Equatable {
  case onnx(String)
  case mxnet(symbol: String, params: String)

  static func exists(_ p: String) -> Bool { access(p, F_OK) == 0 }

  static func resolve(path: String, epoch: Int?) throws(ModelLoadError) -> ModelSource {
    if path.hasSuffix(".onnx") || path.hasSuffix(".onnx.gz") {
      return .onnx(path)
    }
    var prefix = path
    var epoch = epoch
    if path.hasSuffix("-symbol.json") {
      prefix = String(path.dropLast("-symbol.json".count))
    } else if let (p, e) = splitParamsName(path) {
      prefix = p
      epoch = epoch ?? e
      if exists(path) { return .mxnet(symbol: prefix + "-symbol.json", params: path) }
    } else if !exists(prefix + "-symbol.json") {
      if exists(path + ".onnx") { return .onnx(path + ".onnx") }
      if exists(path + ".onnx.gz") { return .onnx(path + ".onnx.gz") }
      if exists(path) { return .onnx(path) }
      throw ModelLoadError("no model found: neither \(path).onnx nor \(path)-symbol.json exists", file: path)
    }
    let symbol = prefix + "-symbol.json"
    guard exists(symbol) else { throw ModelLoadError("MXNet symbol file is missing", file: symbol) }
    if let epoch {
      let name = prefix + "-" + String(format4: epoch) + ".params"
      if exists(name) { return .mxnet(symbol: symbol, params: name) }
      if exists(name + ".gz") { return .mxnet(symbol: symbol, params: name + ".gz") }
      throw ModelLoadError("MXNet params file for epoch \(epoch) is missing", file: name)
    }
    if let latest = latestParams(prefix: prefix) { return .mxnet(symbol: symbol, params: latest) }
    throw ModelLoadError("no PREFIX-NNNN.params file next to the symbol", file: symbol)
  }
}

/// "dir/net-0012.params[.gz]" → ("dir/net", 12).
func splitParamsName(_ path: String) -> (String, Int)? {
  var p = Substring(path)
  if p.hasSuffix(".gz") { p = p.dropLast(3) }
  guard p.hasSuffix(".params") else { return nil }
  p = p.dropLast(7)
  let digits = p.suffix(4)
  guard digits.count == 4, digits.allSatisfy(\.isNumber), p.dropLast(4).hasSuffix("-"), let e = Int(digits) else {
    return nil
  }
  return (String(p.dropLast(5)), e)
}

/// The params file of the highest epoch for a prefix, found by listing its directory.
func latestParams(prefix: String) -> String? {
  let slash = prefix.lastIndex(of: "/")
  let dir = slash.map { String(prefix[..<$0]) } ?? "."
  let base = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
  guard let d = opendir(dir.isEmpty ? "/" : dir) else { return nil }
  defer { closedir(d) }
  var best: (Int, String)?
  while let entry = readdir(d) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    guard let (p, e) = splitParamsName(name), p == base else { continue }
    if best == nil || e > best!.0 { best = (e, name) }
  }
  return best.map { slash == nil ? $0.1 : dir + "/" + $0.1 }
}

extension String {
  init(format4 v: Int) {
    let s = String(v)
    self = String(repeating: "0", count: Swift.max(0, 4 - s.count)) + s
  }
}
