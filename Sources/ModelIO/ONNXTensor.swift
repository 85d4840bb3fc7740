extension ONNXReader {
  /// Reads a TensorProto from raw_data or the typed repeated fields, checking that the data
  /// holds exactly the elements its dims promise.
  static func readTensor(_ r: inout ProtoReader) throws(ModelLoadError) -> (String, HostArray) {
    var name = ""
    var dims: [Int64] = []
    var type: Int64 = 0
    var raw: Range<Int>?
    // float_data and double_data are fixed-size little-endian words: kept as bytes, no decoding.
    var floatBytes: [UInt8] = [], doubleBytes: [UInt8] = []
    var ints: [Int64] = [], int64s: [Int64] = []
    var uint64s: [Int64] = []
    var external = false
    while let (f, w) = try r.field() {
      switch (f, w) {
      case (1, _): try r.repeatedVarint(w, into: &dims, field: "dims")
      case (2, _): type = try r.int64(w, "data_type")
      case (8, .bytes): name = try r.string("tensor name")
      case (9, .bytes): raw = try r.lengthDelimited()
      case (4, _): try r.repeatedFixed(w, size: 4, into: &floatBytes, field: "float_data")
      case (5, _): try r.repeatedVarint(w, into: &ints, field: "int32_data")
      case (7, _): try r.repeatedVarint(w, into: &int64s, field: "int64_data")
      case (10, _): try r.repeatedFixed(w, size: 8, into: &doubleBytes, field: "double_data")
      case (11, _): try r.repeatedVarint(w, into: &uint64s, field: "uint64_data")
      case (14, _): external = try r.int64(w, "data_location") == 1
      case (3, .bytes): throw r.fail("tensor '\(name)' is segmented (not supported)")
      case (6, .bytes): throw r.fail("string tensors are not supported")
      default: try r.skip(w)
      }
    }
    guard !external else { throw r.fail("tensor '\(name)' keeps its data in an external file (not supported)") }
    guard let dtype = dataTypes[type] else { throw r.fail("tensor '\(name)' has unsupported data type \(type)") }
    var count = 1
    for d in dims {
      guard d >= 0, d < Int64(1) << 40 else { throw r.fail("tensor '\(name)' has dimension \(d)") }
      let (m, o) = count.multipliedReportingOverflow(by: Int(d))
      guard !o, m < 1 << 40 else { throw r.fail("tensor '\(name)' dims \(dims) are too large") }
      count = m
    }
    let shape = dims.map { Int($0) }
    if let raw {
      guard raw.count == count * dtype.size else {
        throw r.fail("tensor '\(name)' raw_data has \(raw.count) bytes but \(dtype) \(shape) needs \(count * dtype.size)")
      }
      return (name, HostArray(dtype: dtype, shape: shape, bytes: r.copyBytes(raw)))
    }
    let bytes: [UInt8]
    var have: Int
    switch dtype {
    case .float32:
      have = floatBytes.count / 4
      bytes = floatBytes
    case .float64:
      have = doubleBytes.count / 8
      bytes = doubleBytes
    case .int64:
      have = int64s.count
      bytes = words(int64s.map { UInt64(bitPattern: $0) }, 8)
    case .uint32, .uint64:
      have = uint64s.count
      bytes = words(uint64s.map { UInt64(bitPattern: $0) }, dtype.size)
    default:
      // int32_data carries every narrower type (and float16 bit patterns) one per element.
      have = ints.count
      bytes = words(ints.map { UInt64(bitPattern: $0) }, dtype.size)
    }
    guard have == count else {
      throw r.fail("tensor '\(name)' has \(have) values but dims \(shape) need \(count)")
    }
    return (name, HostArray(dtype: dtype, shape: shape, bytes: bytes))
  }

  private static func words(_ values: [UInt64], _ size: Int) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(values.count * size)
    for v in values {
      for k in 0..<size { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
    }
    return out
  }
}
