import CKernels
import Tensor

/// fakeQuantize(a + b) (or of a alone) in one pass over chunks split across the engine's
/// threads: CKernels' AVX2 code (or its portable C, for tests), equal bit for bit to the
/// Swift `fakeQuantize`.
func fakeQuantized(_ a: Tensor, plus b: Tensor?, _ q: [Float], portable: Bool = false) -> Tensor {
  var y = Tensor(uninitializedShape: a.shape)
  y.withUnsafeMutableBufferPointer { yp in
    a.withUnsafeBufferPointer { ap in
      let (ab, yb) = (ap.baseAddress!, yp.baseAddress!)
      func run(_ bb: UnsafePointer<Float>?) {
        parallelChunks(ap.count) { r in
          ck_add_fake_quantize(ab + r.lowerBound, bb.map { $0 + r.lowerBound }, yb + r.lowerBound, r.count, q[0], q[1], q[2], q[3], portable ? 1 : 0)
        }
      }
      if let b { b.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
    }
  }
  return y
}

extension Planner {
  /// An Add whose result is fake-quantized (GraphRewrite.fuseFakeQuant sets its `fusion.outputQuantization`): the
  /// residual sums of quantized MobileNets. Same-shaped operands take one fused pass.
  mutating func lowerQuantizedAdd(_ node: Node, _ quantization: FusedQuantization) throws(ModelLoadError) {
    let q = quantization.packed
    let (a, b) = (try operand(node, 0), try operand(node, 1))
    let shape = try ShapeRules.broadcast(node, a.shape, b.shape)
    if a.shape == b.shape {
      try bind(node, shape, inputs: [a.slot, b.slot]) { fakeQuantized($0[0], plus: $0[1], q) }
    } else {
      try bind(node, shape, inputs: [a.slot, b.slot]) { fakeQuantized(try Tensor.binary(.add, $0[0], $0[1]), plus: nil, q) }
    }
  }
}

extension Planner {
  /// A Transpose with `fusion.inputDequantization` (GraphRewrite.fuseTransposeDequantize): a
  /// quantized model's NHWC uint8 input moved to NCHW and dequantized in one pass.
  mutating func lowerTransposeDequantize(_ node: Node, _ q: FusedQuantization) throws(ModelLoadError) {
    let x = try operand(node, 0)
    let perm = try ShapeRules.permutation(node, rank: x.shape.count)
    let shape = perm.map { x.shape[$0] }
    let (s, z) = (q.scale, q.zeroPoint)
    if perm == [0, 3, 1, 2] {
      try bind(node, shape, inputs: [x.slot]) { nhwcToNCHW($0[0], scale: s, zeroPoint: z) }
    } else {
      try bind(node, shape, inputs: [x.slot]) {
        var y = try $0[0].transposed(perm)
        y.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = (p[i] - z) * s } }
        return y
      }
    }
  }
}

/// y[n, c, i] = (x[n, i, c] - zeroPoint) · scale for an N×H×W×C tensor (DequantizeLinear's
/// formula). Pixels are split over the threads and read once each, in order.
func nhwcToNCHW(_ x: Tensor, scale s: Float, zeroPoint z: Float) -> Tensor {
  let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  var y = Tensor(uninitializedShape: [n, c, h, w])
  let plane = h * w
  y.withUnsafeMutableBufferPointer { yp in
    x.withUnsafeBufferPointer { xp in
      let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
      parallelChunks(n * plane, grain: 8192) { pixels in
        var p = pixels.lowerBound
        while p < pixels.upperBound {
          // One image's share of the chunk: its pixels from i0 to i1.
          let (image, i0) = p.quotientAndRemainder(dividingBy: plane)
          let i1 = min(plane, i0 + pixels.upperBound - p)
          let src = xb + image * plane * c
          let dst = yb + image * plane * c
          if c == 3 {
            let (d0, d1, d2) = (dst, dst + plane, dst + 2 * plane)
            for i in i0..<i1 {
              (d0[i], d1[i], d2[i]) = ((src[3 * i] - z) * s, (src[3 * i + 1] - z) * s, (src[3 * i + 2] - z) * s)
            }
          } else {
            for i in i0..<i1 { for k in 0..<c { dst[k * plane + i] = (src[c * i + k] - z) * s } }
          }
          p += i1 - i0
        }
      }
    }
  }
  return y
}

/// The mean of each N×C plane (an AveragePool whose window is the whole unpadded plane, or
/// GlobalAveragePool): eight partial sums a plane, so the adds do not wait on each other.
func planeMeans(_ x: Tensor, _ shape: [Int]) -> Tensor {
  var y = Tensor(uninitializedShape: shape)
  let planes = x.shape[0] * x.shape[1]
  let plane = x.count / max(planes, 1)
  y.withUnsafeMutableBufferPointer { yp in
    x.withUnsafeBufferPointer { xp in
      let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
      parallelChunks(planes, grain: max(1, 16_384 / max(plane, 1))) { range in
        for p in range {
          let src = UnsafeRawPointer(xb + p * plane)
          var lanes = SIMD8<Float>()
          var i = 0
          while i + 8 <= plane {
            lanes += src.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
          }
          var sum = lanes.sum()
          while i < plane {
            sum += xb[p * plane + i]
            i += 1
          }
          yb[p] = sum / Float(max(plane, 1))
        }
      }
    }
  }
  return y
}
