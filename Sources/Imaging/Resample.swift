import CImageCodecs

/// How `resized` computes new pixels.
public enum Interpolation: String, Sendable, CaseIterable {
  /// Pillow's `Image.resize(BILINEAR)`: a triangle filter whose support widens with the
  /// downscale factor (antialiasing), 8-bit fixed-point, bit for bit.
  case bilinear
  /// Pillow's `Image.resize(NEAREST)`: the source pixel under each output pixel's centre.
  case nearest
}

extension Image {
  /// The image scaled to `width` × `height`.
  ///
  /// Channels are filtered independently (Pillow premultiplies alpha for RGBA; decoded
  /// images are RGB, where the two agree).
  public func resized(
    width newWidth: Int, height newHeight: Int, interpolation: Interpolation = .bilinear
  )
    throws(ImageError) -> Image
  {
    guard newWidth > 0, newHeight > 0, newWidth <= 1 << 20, newHeight <= 1 << 20,
      newWidth * newHeight <= Image.maxPixelsBuilt
    else {
      throw ImageError(.invalidArgument, "cannot resize to \(newWidth)x\(newHeight)")
    }
    if newWidth == width && newHeight == height { return self }
    switch interpolation {
    case .nearest: return nearestResized(newWidth, newHeight)
    case .bilinear: return bilinearResized(newWidth, newHeight)
    }
  }

  /// The image scaled so its shorter side is `side`; the longer side becomes
  /// `floor(long · side / short)` (the torchvision/reference convention).
  public func resized(shorterSide side: Int, interpolation: Interpolation = .bilinear)
    throws(ImageError) -> Image
  {
    guard side > 0, side <= 1 << 20 else {
      throw ImageError(.invalidArgument, "shorter side must be in 1...1048576, got \(side)")
    }
    let (newWidth, newHeight) = size(shorterSide: side)
    return try resized(width: newWidth, height: newHeight, interpolation: interpolation)
  }

  /// The size with the shorter side `side` and the longer `floor(long · side / short)`.
  func size(shorterSide side: Int) -> (width: Int, height: Int) {
    Self.size(width: width, height: height, shorterSide: side)
  }

  /// The same for an image of `width` × `height`.
  static func size(width: Int, height: Int, shorterSide side: Int) -> (width: Int, height: Int) {
    width <= height ? (side, height * side / width) : (width * side / height, side)
  }

  /// `resized(width:height:interpolation:)` then `cropped(x:y:width:height:)`, bit for bit,
  /// computing only the kept pixels: a 640×427 photo resized to 384×256 for a 224 centre crop
  /// filters half the pixels (preprocessing is a tenth of `tabby serve`'s CPU per request).
  public func resized(
    width newWidth: Int, height newHeight: Int, interpolation: Interpolation = .bilinear,
    croppedTo x: Int, _ y: Int, _ cropWidth: Int, _ cropHeight: Int
  ) throws(ImageError) -> Image {
    guard interpolation == .bilinear, newWidth != width, newHeight != height, newWidth > 0, newHeight > 0,
      newWidth <= 1 << 20, newHeight <= 1 << 20, cropWidth > 0, cropHeight > 0, x >= 0, y >= 0,
      x <= newWidth - cropWidth, y <= newHeight - cropHeight
    else {
      // Other cases (and every error, with its usual message) the two steps' own way.
      return try resized(width: newWidth, height: newHeight, interpolation: interpolation)
        .cropped(x: x, y: y, width: cropWidth, height: cropHeight)
    }
    return bilinearResized(newWidth, newHeight, columns: x..<(x + cropWidth), rows: y..<(y + cropHeight))
  }

  private func nearestResized(_ newWidth: Int, _ newHeight: Int) -> Image {
    let columns = Self.nearestSources(count: newWidth, inSize: width)
    let rows = Self.nearestSources(count: newHeight, inSize: height)
    let c = channels
    var out = [UInt8](repeating: 0, count: newWidth * newHeight * c)
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<newHeight {
          let sy = rows[y]
          for x in 0..<newWidth {
            let from = (sy * width + columns[x]) * c
            let to = (y * newWidth + x) * c
            for k in 0..<c { dst[to + k] = src[from + k] }
          }
        }
      }
    }
    return Image(unchecked: newWidth, newHeight, c, out)
  }

  /// Source index of each output pixel as Pillow's ImagingScaleAffine finds it: start at
  /// half a step and add the step, truncating (the running sum rounds differently from
  /// multiplying, and Pillow's choice is the one to match).
  static func nearestSources(count: Int, inSize: Int) -> [Int] {
    let step = Double(inSize) / Double(count)
    var position = step * 0.5
    var sources: [Int] = []
    sources.reserveCapacity(count)
    for _ in 0..<count {
      sources.append(min(inSize - 1, Int(position)))
      position += step
    }
    return sources
  }

  /// Pillow's ImagingResampleInner: two separable passes, each rounding to uint8.
  /// Pillow 13 runs the vertical pass first when the height shrinks by more than twice
  /// the width's change (python-pillow/Pillow#9549); otherwise the horizontal pass runs
  /// first, over only the rows the vertical pass reads. The order changes the rounding.
  ///
  /// With `columns` and `rows` (both axes resized), only that window of the output: each
  /// kept pixel is computed from the same inputs with the same weights as in the whole.
  ///
  /// With `window`, this image is only the part of a larger one that the kept pixels read
  /// (`bilinearSourceRegion`), at (`window.x`, `window.y`) in it; the kernels and the pass
  /// order come from the larger image's sizes.
  private func bilinearResized(
    _ newWidth: Int, _ newHeight: Int, columns: Range<Int>? = nil, rows: Range<Int>? = nil,
    window: SourceWindow? = nil
  ) -> Image {
    let (inWidth, inHeight) = window.map { ($0.wholeWidth, $0.wholeHeight) } ?? (width, height)
    let (x0, y0) = window.map { ($0.x, $0.y) } ?? (0, 0)
    let vertical = ResampleKernel(inSize: inHeight, outSize: newHeight).slice(rows ?? 0..<newHeight)
    guard newWidth != inWidth else { return verticalPass(vertical, rowShift: y0) }
    let horizontal = ResampleKernel(inSize: inWidth, outSize: newWidth).slice(columns ?? 0..<newWidth)
      .shifted(by: x0)
    // The order follows the whole resize's sizes, as Pillow's does.
    if newHeight < inHeight && inHeight - newHeight > 2 * (inWidth - newWidth) {
      let shrunk = verticalPass(vertical, rowShift: y0)
      return shrunk.horizontalPass(horizontal, rows: 0..<shrunk.height)
    }
    let span = vertical.span
    let stretched = horizontalPass(horizontal, rows: (span.lowerBound - y0)..<(span.upperBound - y0))
    return newHeight == inHeight ? stretched : stretched.verticalPass(vertical, rowShift: span.lowerBound)
  }

  /// Where a window of a larger image lies in it (see `bilinearResized`).
  struct SourceWindow {
    var x: Int, y: Int, wholeWidth: Int, wholeHeight: Int
  }

  /// The region of a `wholeWidth` × `wholeHeight` image that the kept pixels of
  /// `resized(width:height:interpolation: .bilinear, croppedTo:)` read: the columns and rows
  /// their filter windows cover.
  static func bilinearSourceRegion(
    wholeWidth: Int, wholeHeight: Int, newWidth: Int, newHeight: Int, columns: Range<Int>, rows: Range<Int>
  ) -> (columns: Range<Int>, rows: Range<Int>) {
    (
      ResampleKernel(inSize: wholeWidth, outSize: newWidth).slice(columns).span,
      ResampleKernel(inSize: wholeHeight, outSize: newHeight).slice(rows).span
    )
  }

  /// `resized(width:height:interpolation: .bilinear, croppedTo:)` of the larger image this one
  /// is the `bilinearSourceRegion` of, bit for bit. Both sizes must change (as that fused path
  /// requires).
  func bilinearResized(
    window: SourceWindow, width newWidth: Int, height newHeight: Int, croppedTo x: Int, _ y: Int, _ cropWidth: Int,
    _ cropHeight: Int
  ) -> Image {
    bilinearResized(
      newWidth, newHeight, columns: x..<(x + cropWidth), rows: y..<(y + cropHeight), window: window)
  }

  private func horizontalPass(_ kernel: ResampleKernel, rows: Range<Int>) -> Image {
    let c = channels
    let outWidth = kernel.start.count
    var out = [UInt8](repeating: 0, count: outWidth * rows.count * c)
    if c == 3 {
      pixels.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
          guard let source = src.baseAddress, let target = dst.baseAddress else { return }
          tabby_resample_horizontal_rgb(
            source + rows.lowerBound * width * 3, source + src.count, width, rows.count, target, outWidth,
            kernel.start, kernel.count, kernel.weights, kernel.size)
        }
      }
      return Image(unchecked: outWidth, rows.count, c, out)
    }
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        kernel.weights.withUnsafeBufferPointer { weights in
          guard let source = src.baseAddress, let target = dst.baseAddress,
            let weight = weights.baseAddress
          else { return }
          for (row, y) in rows.enumerated() {
            let input = source + y * width * c
            let output = target + row * outWidth * c
            for xx in 0..<outWidth {
              let taps = kernel.count[xx]
              let first = input + kernel.start[xx] * c
              let w = weight + xx * kernel.size
              for ch in 0..<c {
                var sum = ResampleKernel.half
                for i in 0..<taps { sum &+= Int32(first[i * c + ch]) &* w[i] }
                output[xx * c + ch] = ResampleKernel.clip8(sum)
              }
            }
          }
        }
      }
    }
    return Image(unchecked: outWidth, rows.count, c, out)
  }

  private func verticalPass(_ kernel: ResampleKernel, rowShift: Int) -> Image {
    let rowLength = width * channels
    let outHeight = kernel.start.count
    let rows = kernel.shifted(by: rowShift)
    let out = [UInt8](unsafeUninitializedCapacity: rowLength * outHeight) { dst, initialized in
      pixels.withUnsafeBufferPointer { src in
        tabby_resample_vertical(
          src.baseAddress!, rowLength, dst.baseAddress!, outHeight, rows.start, rows.count, rows.weights, rows.size)
      }
      initialized = rowLength * outHeight
    }
    return Image(unchecked: width, outHeight, channels, out)
  }
}

/// Per-output-pixel filter windows and fixed-point weights, as Pillow's
/// precompute_coeffs and normalize_coeffs_8bpc compute them.
struct ResampleKernel {
  static let precisionBits = 22  // Pillow: 32 - 8 - 2
  static let half: Int32 = 1 << (precisionBits - 1)

  /// First input index of each output pixel's window.
  var start: [Int] = []
  /// Window length of each output pixel.
  var count: [Int] = []
  /// `size` weights per output pixel, scaled by 2^22 and rounded half away from zero.
  var weights: [Int32] = []
  /// Maximum window length.
  let size: Int

  init(inSize: Int, outSize: Int) {
    let scale = Double(Float(inSize)) / Double(outSize)
    let filterScale = max(scale, 1.0)
    let support = 1.0 * filterScale  // triangle filter support 1
    size = Int(support.rounded(.up)) * 2 + 1
    weights = [Int32](repeating: 0, count: outSize * size)
    var window = [Double](repeating: 0, count: size)
    let reciprocal = 1.0 / filterScale  // Pillow multiplies by 1/scale; keep its rounding
    for xx in 0..<outSize {
      let center = (Double(xx) + 0.5) * scale
      let xmin = max(0, Int(center - support + 0.5))
      let xmax = min(inSize, Int(center + support + 0.5)) - xmin
      var total = 0.0
      for x in 0..<xmax {
        let w = Self.triangle((Double(x + xmin) - center + 0.5) * reciprocal)
        window[x] = w
        total += w
      }
      for x in 0..<xmax {
        let w = total != 0 ? window[x] / total : window[x]
        let scaled = w * Double(1 << Self.precisionBits)
        weights[xx * size + x] = Int32(w < 0 ? -0.5 + scaled : 0.5 + scaled)
      }
      start.append(xmin)
      count.append(max(0, xmax))
    }
  }

  /// The inputs the windows read: from the first window's start to the last one's end.
  var span: Range<Int> {
    guard let first = start.first, let last = start.last, let n = count.last else { return 0..<0 }
    return first..<(last + n)
  }

  /// The same windows over an input that starts `offset` elements later.
  func shifted(by offset: Int) -> ResampleKernel {
    guard offset != 0 else { return self }
    var kernel = self
    kernel.start = start.map { $0 - offset }
    return kernel
  }

  /// The windows of outputs `range` only (the output index restarts at 0).
  func slice(_ range: Range<Int>) -> ResampleKernel {
    guard range != 0..<start.count else { return self }
    var kernel = self
    kernel.start = Array(start[range])
    kernel.count = Array(count[range])
    kernel.weights = Array(weights[(range.lowerBound * size)..<(range.upperBound * size)])
    return kernel
  }

  static func triangle(_ x: Double) -> Double {
    let a = abs(x)
    return a < 1 ? 1 - a : 0
  }

  @inline(__always)
  static func clip8(_ value: Int32) -> UInt8 {
    if value >= 1 << (precisionBits + 8) { return 255 }
    if value <= 0 { return 0 }
    return UInt8(value >> precisionBits)
  }
}
