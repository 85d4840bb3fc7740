import CKernels
import Testing

/// Training's unfolding kernels at every code path against their definitions: ck_im2rows (a
/// row per output position, a column per (channel, ki, kj), zero in the padding) and
/// ck_col2im (each column added back where it was gathered from), on LeNet's layers,
/// one-sided and wide pads, strides, dilation and a kernel or an output row wider than one
/// AVX-512 register.
@Suite(.serialized, .timeLimit(.minutes(1))) struct UnfoldingTests {
  struct Layer: CustomStringConvertible {
    var c = 1, h = 1, w = 1, k = (1, 1), s = (1, 1), pad = (0, 0), padEnd = (0, 0), d = (1, 1)
    var outH: Int { (h + pad.0 + padEnd.0 - d.0 * (k.0 - 1) - 1) / s.0 + 1 }
    var outW: Int { (w + pad.1 + padEnd.1 - d.1 * (k.1 - 1) - 1) / s.1 + 1 }
    var description: String { "\(c)×\(h)×\(w) k\(k) s\(s) p\(pad)/\(padEnd) d\(d)" }
    var source: ck_conv_source {
      ck_conv_source(
        x: nil, channels: c, height: h, width: w, kernel_h: k.0, kernel_w: k.1, stride_h: s.0, stride_w: s.1,
        pad_top: pad.0, pad_left: pad.1, dilation_h: d.0, dilation_w: d.1, out_h: outH, out_w: outW)
    }

    func reference(_ x: [Float], images: Int) -> [Float] {
      var rows: [Float] = []
      for i in 0..<images {
        for oy in 0..<outH {
          for ox in 0..<outW {
            for ch in 0..<c {
              for ki in 0..<k.0 {
                for kj in 0..<k.1 {
                  let (iy, ix) = (oy * s.0 - pad.0 + ki * d.0, ox * s.1 - pad.1 + kj * d.1)
                  let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
                  rows.append(inside ? x[((i * c + ch) * h + iy) * w + ix] : 0)
                }
              }
            }
          }
        }
      }
      return rows
    }

    /// x += col2im(cols), cols [c·kh·kw, images·outH·outW], in ck_col2im's order of additions.
    func folded(_ cols: [Float], into x: [Float], images: Int) -> [Float] {
      var x = x
      let rowLength = images * outH * outW
      for ch in 0..<c {
        for ki in 0..<k.0 {
          for kj in 0..<k.1 {
            for i in 0..<images {
              for oy in 0..<outH {
                for ox in 0..<outW {
                  let (iy, ix) = (oy * s.0 - pad.0 + ki * d.0, ox * s.1 - pad.1 + kj * d.1)
                  guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                  let column = ((ch * k.0 + ki) * k.1 + kj) * rowLength + (i * outH + oy) * outW + ox
                  x[((i * c + ch) * h + iy) * w + ix] += cols[column]
                }
              }
            }
          }
        }
      }
      return x
    }
  }

  static let layers = [
    Layer(c: 1, h: 28, w: 28, k: (5, 5)),  // LeNet's first convolution
    Layer(c: 20, h: 12, w: 12, k: (5, 5)),  // and its second
    Layer(c: 3, h: 9, w: 7, k: (3, 3), s: (2, 2), pad: (1, 1), padEnd: (1, 1)),
    Layer(c: 2, h: 6, w: 5, k: (3, 4), pad: (0, 3), padEnd: (2, 4)),  // pads wider than the kernel's reach
    Layer(c: 2, h: 8, w: 9, k: (3, 3), s: (1, 3), pad: (2, 2), padEnd: (2, 2), d: (2, 2)),
    Layer(c: 1, h: 4, w: 20, k: (2, 17), pad: (1, 1), padEnd: (0, 1)),
    Layer(c: 2, h: 5, w: 37, k: (3, 2), pad: (1, 1), padEnd: (1, 0)),  // output rows of 37
  ]

  @Test(arguments: GemmTests.levels)
  func rowsMatchTheDefinition(level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    for layer in Self.layers {
      let images = 3
      let x = GemmTests.values(images * layer.c * layer.h * layer.w, seed: 41)
      let expected = layer.reference(x, images: images)
      var rows = [Float](repeating: .nan, count: expected.count)
      var source = layer.source
      ck_im2rows(x, layer.c * layer.h * layer.w, images, &source, &rows)
      #expect(rows == expected, "level \(level): \(layer)")
    }
  }

  @Test(arguments: GemmTests.levels)
  func col2imAddsTheColumnsBack(level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    for layer in Self.layers {
      let images = 3
      let imageSize = layer.c * layer.h * layer.w
      let cols = GemmTests.values(layer.c * layer.k.0 * layer.k.1 * images * layer.outH * layer.outW, seed: 42)
      let start = GemmTests.values(images * imageSize, seed: 43)
      var x = start
      var source = layer.source
      ck_col2im(cols, imageSize, images, &source, &x)
      #expect(x == layer.folded(cols, into: start, images: images), "level \(level): \(layer)")
    }
  }
}
