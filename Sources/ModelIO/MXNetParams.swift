/// The MXNet NDArray-list codec (`mx.nd.save` / `mx.nd.load`, `PREFIX-EPOCH.params`).
///
/// Reads V3, V2, V1 and the pre-V1 legacy array layouts, named (dict) and unnamed (list) files;
/// writes V2 arrays, the layout MXNet 1.x itself writes. See ../shared/reference/MXNET_FORMAT.md.
public enum MXNetParams {
  /// One array of a `.params` file.
  public struct Entry: Equatable, Sendable {
    /// The stored name (`arg:conv1_weight`), nil in an unnamed list file.
    public var name: String?
    /// The array; nil for MXNet's "none" array (an array of unknown shape).
    public var array: HostArray?

    /// Creates an entry.
    public init(name: String?, array: HostArray?) {
      self.name = name
      self.array = array
    }
  }

  static let listMagic: UInt64 = 0x112
  static let v1Magic: UInt32 = 0xF993_FAC8
  static let v2Magic: UInt32 = 0xF993_FAC9
  static let v3Magic: UInt32 = 0xF993_FACA
  /// Ranks above this are not real arrays; refusing them bounds the work on corrupt input.
  static let maxRank = 32

  static let typeFlags: [Int32: ElementType] = [
    0: .float32, 1: .float64, 2: .float16, 3: .uint8, 4: .int32, 5: .int8, 6: .int64, 7: .bool,
    8: .int16, 9: .uint16, 10: .uint32, 11: .uint64, 12: .bfloat16,
  ]

  static func typeFlag(of t: ElementType) -> Int32 {
    typeFlags.first { $0.value == t }!.key
  }

  /// Decodes a whole `.params` file held in memory.
  public static func decode(_ bytes: [UInt8]) throws(ModelLoadError) -> [Entry] {
    var r = ByteReader(bytes, what: "MXNet .params")
    let magic = try r.u64("file magic")
    guard magic == listMagic else {
      throw r.fail("not an MXNet NDArray list (magic 0x\(String(magic, radix: 16)), expected 0x112)", at: 0)
    }
    _ = try r.u64("reserved field")
    let n = try r.u64("array count")
    // Every array takes at least 4 bytes, so a larger count is a corrupt header.
    guard n <= UInt64(r.remaining / 4) else {
      throw r.fail("array count \(n) is larger than the file can hold", at: 16)
    }
    var arrays: [HostArray?] = []
    for i in 0..<Int(n) {
      do throws(ModelLoadError) {
        arrays.append(try readArray(&r))
      } catch {
        throw ModelLoadError("array \(i): \(error.message)")
      }
    }
    let names = try readNames(&r, arrays: arrays.count)
    guard r.atEnd else { throw r.fail("\(r.remaining) unexpected trailing bytes") }
    return arrays.enumerated().map { Entry(name: names?[$0.offset], array: $0.element) }
  }

  private static func readNames(_ r: inout ByteReader, arrays: Int) throws(ModelLoadError) -> [String]? {
    let count = try r.u64("name count")
    if count == 0 { return nil }
    guard count == UInt64(arrays) else {
      throw r.fail("the file has \(arrays) arrays but \(count) names")
    }
    var names: [String] = []
    for i in 0..<arrays {
      let len = try r.u64("length of name \(i)")
      guard len <= UInt64(r.remaining) else {
        throw r.fail("name \(i) claims \(len) bytes but only \(r.remaining) remain")
      }
      let raw = try r.take(Int(len), "name \(i)")
      guard let s = String(validating: raw, as: UTF8.self) else {
        throw r.fail("name \(i) is not valid UTF-8")
      }
      names.append(s)
    }
    return names
  }

  private static func readArray(_ r: inout ByteReader) throws(ModelLoadError) -> HostArray? {
    let start = r.offset
    let magic = try r.u32("array magic")
    let shape: [Int]?
    switch magic {
    case v2Magic, v3Magic:
      let stype = try r.i32("storage type")
      guard stype == 0 else {
        let kind = stype == 1 ? "row_sparse" : stype == 2 ? "csr" : "storage type \(stype)"
        throw r.fail("\(kind) arrays are not supported (only dense)", at: start + 4)
      }
      shape = try readShape(&r, legacyNDim: nil, numpy: magic == v3Magic)
    case v1Magic:
      shape = try readShape(&r, legacyNDim: nil, numpy: false)
    default:
      shape = try readShape(&r, legacyNDim: magic, numpy: false)
    }
    guard let shape else { return nil }
    _ = try r.i32("device type")
    _ = try r.i32("device id")
    let flagAt = r.offset
    let flag = try r.i32("type flag")
    guard let dtype = typeFlags[flag] else { throw r.fail("unknown type flag \(flag)", at: flagAt) }
    let (count, overflow) = shape.reduce((1, false)) { acc, d in
      let m = acc.0.multipliedReportingOverflow(by: d)
      return (m.partialValue, acc.1 || m.overflow)
    }
    let (byteCount, o2) = count.multipliedReportingOverflow(by: dtype.size)
    guard !overflow, !o2, byteCount <= r.remaining else {
      throw r.fail("\(dtype) data of shape \(shape) needs more bytes than the \(r.remaining) left")
    }
    let data = try r.take(byteCount, "array data")
    let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { out, n in
      adviseHugePages(out.baseAddress, byteCount: byteCount)
      data.withUnsafeBytes { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
      n = byteCount
    }
    return HostArray(dtype: dtype, shape: shape, bytes: bytes)
  }

  /// Reads a TShape; nil means MXNet's "none" array. A legacy shape has u32 dims and its
  /// rank was the array's first word.
  private static func readShape(_ r: inout ByteReader, legacyNDim: UInt32?, numpy: Bool)
    throws(ModelLoadError) -> [Int]?
  {
    let at = r.offset
    let ndim: Int64
    if let legacyNDim { ndim = Int64(legacyNDim) } else { ndim = Int64(try r.i32("rank")) }
    if numpy && ndim == -1 { return nil }
    if !numpy && ndim == 0 { return nil }
    guard ndim >= 0, ndim <= maxRank else {
      throw r.fail("rank \(ndim) is out of range (0...\(maxRank))", at: legacyNDim == nil ? at : at - 4)
    }
    var dims: [Int] = []
    for i in 0..<Int(ndim) {
      let d: Int64
      if legacyNDim == nil { d = try r.i64("dimension \(i)") } else { d = Int64(try r.u32("dimension \(i)")) }
      guard d >= 0 else {
        if numpy && d == -1 { return nil }
        throw r.fail("negative dimension \(d)")
      }
      dims.append(Int(d))
    }
    return dims
  }

  /// Encodes named arrays as `mx.nd.save` writes a dict (names such as `arg:fc1_weight`).
  public static func encode(_ entries: [(name: String, array: HostArray)]) -> [UInt8] {
    encode(arrays: entries.map(\.array), names: entries.map(\.name))
  }

  /// Encodes arrays as `mx.nd.save` writes a list (no names).
  public static func encode(unnamed arrays: [HostArray]) -> [UInt8] {
    encode(arrays: arrays, names: [])
  }

  private static func encode(arrays: [HostArray], names: [String]) -> [UInt8] {
    var w = ByteWriter()
    w.u64(listMagic)
    w.u64(0)
    w.u64(UInt64(arrays.count))
    for a in arrays {
      w.u32(v2Magic)
      w.i32(0)
      // A V2 array of rank 0 reads back as "none", so scalars are written with shape [1].
      let shape = a.shape.isEmpty ? [1] : a.shape
      w.i32(Int32(shape.count))
      for d in shape { w.i64(Int64(d)) }
      w.i32(1)
      w.i32(0)
      w.i32(typeFlag(of: a.dtype))
      w.append(a.bytes)
    }
    w.u64(UInt64(names.count))
    for n in names {
      let utf8 = Array(n.utf8)
      w.u64(UInt64(utf8.count))
      w.append(utf8)
    }
    return w.bytes
  }

  /// Reads a `.params` or `.params.gz` file, refusing files over `maxBytes` before reading them.
  public static func read(path: String, maxBytes: Int = ModelFiles.defaultMaxBytes)
    throws(ModelLoadError) -> [Entry]
  {
    let bytes = try ModelFiles.read(path: path, maxBytes: maxBytes)
    do throws(ModelLoadError) {
      return try decode(bytes)
    } catch {
      throw error.inFile(path)
    }
  }

  /// Writes named arrays to a `.params` file.
  public static func write(_ entries: [(name: String, array: HostArray)], to path: String)
    throws(ModelLoadError)
  {
    try ModelFiles.write(encode(entries), to: path)
  }
}
