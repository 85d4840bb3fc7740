/// The element types model files carry; float32 is what the executor computes in.
public enum ElementType: String, Sendable, CaseIterable {
  case float32, float64, float16, bfloat16, uint8, int8, uint16, int16, int32, int64, uint32, uint64, bool

  /// Bytes per element.
  public var size: Int {
    switch self {
    case .uint8, .int8, .bool: 1
    case .float16, .bfloat16, .uint16, .int16: 2
    case .float32, .int32, .uint32: 4
    case .float64, .int64, .uint64: 8
    }
  }

  /// Whether the type holds integers (shape arithmetic and quantized data).
  public var isInteger: Bool {
    switch self {
    case .float32, .float64, .float16, .bfloat16: false
    default: true
    }
  }
}

/// An n-dimensional array as stored in a file: element type, shape and little-endian bytes.
public struct HostArray: Equatable, Sendable {
  /// The element type of `bytes`.
  public var dtype: ElementType
  /// Dimensions, outermost first; empty for a scalar.
  public var shape: [Int]
  /// The elements in row-major order, little-endian.
  public var bytes: [UInt8]

  /// Number of elements.
  public var count: Int { shape.reduce(1, *) }

  /// An array from raw bytes; the caller guarantees `bytes.count == count * dtype.size`.
  public init(dtype: ElementType, shape: [Int], bytes: [UInt8]) {
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  /// A float32 array from values in row-major order.
  public init(shape: [Int], floats: [Float]) {
    self.dtype = .float32
    self.shape = shape
    #if _endian(little)
      self.bytes = floats.withUnsafeBytes { Array($0) }
    #else
      var b = [UInt8]()
      b.reserveCapacity(floats.count * 4)
      for f in floats { HostArray.appendLE(f.bitPattern, 4, to: &b) }
      self.bytes = b
    #endif
  }

  /// An array of the given integer type from values (truncated to the type's width).
  public init(dtype: ElementType, shape: [Int], integers: [Int64]) {
    self.dtype = dtype
    self.shape = shape
    var b = [UInt8]()
    b.reserveCapacity(integers.count * dtype.size)
    for v in integers { HostArray.appendLE(UInt64(bitPattern: v), dtype.size, to: &b) }
    self.bytes = b
  }

  private static func appendLE<T: FixedWidthInteger>(_ v: T, _ n: Int, to b: inout [UInt8]) {
    for i in 0..<n { b.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
  }

  private func word(_ i: Int) -> UInt64 {
    let n = dtype.size
    var v: UInt64 = 0
    let base = i * n
    for k in 0..<n { v |= UInt64(bytes[base + k]) << (8 * UInt64(k)) }
    return v
  }

  /// The element at flat index `i` as a Double (exact for every type but 64-bit integers > 2^53).
  public func double(at i: Int) -> Double {
    let w = word(i)
    switch dtype {
    case .float32: return Double(Float(bitPattern: UInt32(w)))
    case .float64: return Double(bitPattern: w)
    case .float16: return Double(halfToFloat(UInt16(w)))
    case .bfloat16: return Double(Float(bitPattern: UInt32(w) << 16))
    case .uint8, .uint16, .uint32, .uint64, .bool: return Double(w)
    case .int8: return Double(Int8(truncatingIfNeeded: w))
    case .int16: return Double(Int16(truncatingIfNeeded: w))
    case .int32: return Double(Int32(truncatingIfNeeded: w))
    case .int64: return Double(Int64(bitPattern: w))
    }
  }

  /// The element at flat index `i` as an Int64 (floats truncated toward zero, saturating).
  public func int64(at i: Int) -> Int64 {
    switch dtype {
    case .int64: return Int64(bitPattern: word(i))
    case .uint64: return Int64(clamping: word(i))
    default:
      let d = double(at: i)
      if d.isNaN { return 0 }
      if d >= 9.2e18 { return .max }
      if d <= -9.2e18 { return .min }
      return Int64(d)
    }
  }

  /// All elements converted to Float32.
  public func floats() -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buf, n in
      adviseHugePages(UnsafeMutableRawPointer(buf.baseAddress), byteCount: count * 4)
      copyFloats(into: buf)
      n = count
    }
  }

  /// Writes all elements, converted to Float32, into `out` (which holds at least `count`).
  ///
  /// One typed loop per element type: load-time weight conversion runs over tens of millions
  /// of elements, so the per-element `double(at:)` path would dominate model loading.
  public func copyFloats(into out: UnsafeMutableBufferPointer<Float>) {
    let n = count
    precondition(out.count >= n && bytes.count >= n * dtype.size, "HostArray.copyFloats: buffer too small")
    guard n > 0, let dst = out.baseAddress else { return }
    bytes.withUnsafeBytes { raw in
      let src = raw.baseAddress!
      switch dtype {
      case .float32:
        #if _endian(little)
          UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: n * 4)
        #else
          for i in 0..<n { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        #endif
      case .uint8, .bool:
        let p = src.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n { dst[i] = Float(p[i]) }
      case .int8:
        let p = src.assumingMemoryBound(to: Int8.self)
        for i in 0..<n { dst[i] = Float(p[i]) }
      case .int32:
        for i in 0..<n { dst[i] = Float(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
      case .float16:
        for i in 0..<n { dst[i] = halfToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
      default:
        for i in 0..<n { dst[i] = Float(double(at: i)) }
      }
    }
  }

  /// Calls `body` with the elements as Float32: the array's own bytes when they already are
  /// (no copy: packing conv weights reads them in place), else a converted temporary.
  func withFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    let n = count
    if dtype == .float32 && littleEndian && bytes.count >= n * 4 {
      let aligned = bytes.withUnsafeBytes { Int(bitPattern: $0.baseAddress) % MemoryLayout<Float>.alignment == 0 }
      if aligned {
        return try bytes.withUnsafeBytes { raw in
          try raw.withMemoryRebound(to: Float.self) { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
      }
    }
    return try floats().withUnsafeBufferPointer(body)
  }

  /// Multiplies each outermost row by its factor, in place when the bytes are not shared
  /// (folding a BatchNorm into a convolution's weights then allocates nothing). float32 only.
  mutating func scaleRows(by factors: [Float]) {
    precondition(dtype == .float32 && !factors.isEmpty && count % factors.count == 0 && bytes.count == count * 4)
    let per = count / factors.count
    let inPlace = littleEndian && bytes.withUnsafeMutableBytes { raw in
      guard Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0 else { return false }
      raw.withMemoryRebound(to: Float.self) { w in
        for (o, f) in factors.enumerated() { for k in (o * per)..<(o * per + per) { w[k] *= f } }
      }
      return true
    }
    if inPlace { return }
    self = mapFloats { src, dst in
      for (o, f) in factors.enumerated() { for k in (o * per)..<(o * per + per) { dst[k] = src[k] * f } }
    }
  }

  /// A float32 array of the same shape whose elements are `transform` applied to this
  /// array's floats; the result is written once, straight into the new array's bytes.
  /// `transform` must be element-wise: for a non-float32 array it is called with the
  /// converted values already in the destination (source and destination the same memory),
  /// so no temporary array is made.
  func mapFloats(_ transform: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> HostArray {
    let n = count
    let out = [UInt8](unsafeUninitializedCapacity: n * 4) { raw, k in
      UnsafeMutableRawBufferPointer(raw).withMemoryRebound(to: Float.self) { dst in
        let dst = UnsafeMutableBufferPointer(rebasing: dst[0..<n])
        // float32 bytes are read in place (no temporary copy) when they are aligned.
        let direct: Void? = dtype == .float32 && littleEndian ? bytes.withUnsafeBytes { src in
          guard Int(bitPattern: src.baseAddress) % MemoryLayout<Float>.alignment == 0 else { return nil }
          return src.withMemoryRebound(to: Float.self) { transform(UnsafeBufferPointer(rebasing: $0[0..<n]), dst) }
        } : nil
        if direct == nil {
          copyFloats(into: dst)
          transform(UnsafeBufferPointer(dst), dst)
        }
      }
      k = n * 4
    }
    #if _endian(little)
      return HostArray(dtype: .float32, shape: shape, bytes: out)
    #else
      return HostArray(shape: shape, floats: out.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
    #endif
  }

  /// All elements as Int64.
  public func int64s() -> [Int64] { (0..<count).map { int64(at: $0) } }
}

#if _endian(little)
  private let littleEndian = true
#else
  private let littleEndian = false
#endif

/// IEEE half to single precision, including subnormals, infinities and NaN.
func halfToFloat(_ h: UInt16) -> Float {
  let sign = UInt32(h >> 15) << 31
  let exp = Int((h >> 10) & 0x1f)
  let mant = UInt32(h & 0x3ff)
  if exp == 0 {
    let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
    return sign != 0 ? -v : v
  }
  if exp == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (mant << 13)) }
  return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
}
