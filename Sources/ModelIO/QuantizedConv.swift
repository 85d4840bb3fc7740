import CKernels
import Tensor

/// A convolution on 8-bit codes (GraphRewrite.markInt8): weights packed from their codes at
/// load, activations packed per run, 32-bit accumulation (ck_qgemm: VNNI, AVX2 or portable C;
/// ck_qdepthwise for depthwise ones) and onnxruntime's requantization, so its output codes
/// are QLinearConv's.
final class QuantizedConv: @unchecked Sendable {
  let geometry: ConvGeometry, batch: Int, outputs: Int, depthwise: Bool
  /// The input's zero point, and its scale when the input arrives dequantized (0: codes).
  let inputZero: Float, inputScale: Float
  let out: FusedQuantization, dequantize: Bool
  let path: Int32
  private let k: Int, kq: Int
  private let w: UnsafeMutableBufferPointer<Int8>
  private let w16: UnsafeMutableBufferPointer<Int16>?
  private let wt: UnsafeMutableBufferPointer<Int8>?
  private let wzero: [Int32], bias: [Int32], scale: [Float]
  /// Depthwise: w − wzero per tap, as floats.
  private let taps: [Float]
  /// Depthwise 3×3: the float kernel, which sums centred codes exactly (integers below 2^24).
  private var direct3x3: Depthwise3x3?
  private let floatBias: [Float]

  /// Packs `codes` ([outputs, channels/groups, kh, kw] uint8 or int8 with per-tensor or
  /// per-output `scales`/`zeros`) and the int32 `biasCodes`.
  init(
    geometry g: ConvGeometry, batch: Int, codes: HostArray, scales: [Float], zeros: [Float], biasCodes: [Int64]?,
    input: FusedQuantization, inputIsCodes: Bool, output: FusedQuantization, emitsCodes: Bool, centred: Bool = false,
    depthwise: Bool, path: Int32 = Int32(CK_Q_AUTO)
  ) {
    (geometry, self.batch, outputs, self.depthwise) = (g, batch, codes.shape[0], depthwise)
    (inputZero, inputScale, dequantize) = (input.zeroPoint, inputIsCodes ? 0 : input.scale, !emitsCodes)
    // Centred codes: the same codes less the zero point (zero point 0, range shifted).
    out = centred
      ? FusedQuantization(scale: output.scale, zeroPoint: 0, low: output.low - output.zeroPoint, high: output.high - output.zeroPoint)
      : output
    self.path = path == Int32(CK_Q_AUTO) ? ck_q_best() : path
    let n = codes.shape[0]
    k = codes.count / max(n, 1)
    kq = (k + 3) / 4 * 4
    // uint8 codes shift by 128 into int8 (the signed operand of vpdpbusd): (w − z) is unchanged.
    let shift: Float = codes.dtype == .uint8 ? 128 : 0
    let zero = (0..<n).map { (zeros.count == 1 ? zeros[0] : zeros[$0]) - shift }
    wzero = zero.map { Int32($0) }
    scale = (0..<n).map { input.scale * (scales.count == 1 ? scales[0] : scales[$0]) / output.scale }
    let b = biasCodes ?? Array(repeating: 0, count: n)
    let (k, kq) = (k, kq)
    // Straight from the file's bytes (load time is measured against onnxruntime's): the
    // same byte is the int8 code either way, as uint8 − 128 flips only its top bit.
    let packed = UnsafeMutableBufferPointer<Int8>.allocate(capacity: n * kq)
    packed.initialize(repeating: 0)
    let flip: UInt8 = codes.dtype == .uint8 ? 0x80 : 0
    var sums = [Int](repeating: 0, count: n)
    codes.bytes.withUnsafeBufferPointer { src in
      sums.withUnsafeMutableBufferPointer { sums in
        for o in 0..<n {
          var sum = 0
          for i in 0..<k {
            let v = Int8(bitPattern: src[o * k + i] ^ flip)
            packed[o * kq + i] = v
            sum += Int(v)
          }
          sums[o] = sum
        }
      }
    }
    w = packed
    let wz = zero.map { Int($0) }
    let biasInts: [Int32]
    if depthwise {
      var t = [Float](repeating: 0, count: n * k)
      for o in 0..<n { for i in 0..<k { t[o * k + i] = Float(packed[o * kq + i]) - zero[o] } }
      taps = t
      biasInts = b.map { Int32(truncatingIfNeeded: $0) }
    } else {
      taps = []
      // Σ (x − xz)(w − wz) = Σ x·w − wz·Σ x − xz·Σ w + k·xz·wz: the last two are constants.
      let xz = Int(input.zeroPoint)
      biasInts = (0..<n).map { Int32(truncatingIfNeeded: Int(b[$0]) - xz * sums[$0] + k * xz * wz[$0]) }
    }
    (bias, floatBias) = (biasInts, biasInts.map(Float.init))
    if depthwise && g.kernelH == 3 && g.kernelW == 3 && g.strideH == g.strideW && g.dilationH == 1 && g.dilationW == 1 {
      direct3x3 = Depthwise3x3(
        channels: n, height: g.height, width: g.width, stride: g.strideH, padTop: g.padTop, padLeft: g.padLeft,
        outH: g.outH, outW: g.outW, weights: taps, bias: Array(repeating: 0, count: n), activation: nil)
    }
    let resolved = path == Int32(CK_Q_AUTO) ? ck_q_best() : path
    w16 = !depthwise && resolved == Int32(CK_Q_AVX2) ? Self.widened(packed) : nil
    wt = !depthwise && resolved == Int32(CK_Q_VNNI) && g.outPlane < 16 ? Self.quads(packed, n: n, kq: kq) : nil
  }

  deinit {
    w.deallocate()
    w16?.deallocate()
    wt?.deallocate()
  }

  private static func widened(_ w: UnsafeMutableBufferPointer<Int8>) -> UnsafeMutableBufferPointer<Int16> {
    let p = UnsafeMutableBufferPointer<Int16>.allocate(capacity: w.count)
    for i in w.indices { p[i] = Int16(w[i]) }
    return p
  }

  /// [kq/4][nq][4]: each 4-code group of 16 outputs in one 64-byte vector.
  private static func quads(_ w: UnsafeMutableBufferPointer<Int8>, n: Int, kq: Int) -> UnsafeMutableBufferPointer<Int8> {
    let nq = (n + 15) / 16 * 16
    let p = UnsafeMutableBufferPointer<Int8>.allocate(capacity: kq * nq)
    p.initialize(repeating: 0)
    for o in 0..<n {
      for q in 0..<kq / 4 { for j in 0..<4 { p[(q * nq + o) * 4 + j] = w[o * kq + q * 4 + j] } }
    }
    return p
  }

  func callAsFunction(_ x: Tensor) -> Tensor {
    let g = geometry
    var y = Tensor(uninitializedShape: [batch, outputs, g.outH, g.outW])
    scale.withUnsafeBufferPointer { sp in
      bias.withUnsafeBufferPointer { bp in
        var rq = ck_requant(
          bias: bp.baseAddress, scale: sp.baseAddress, zero: out.zeroPoint, lo: out.low, hi: out.high,
          out_scale: out.scale, dequantize: dequantize ? 1 : 0)
        y.withUnsafeMutableBufferPointer { yp in
          x.withUnsafeBufferPointer { xp in
            if direct3x3 != nil && inputScale == 0 && inputZero == 0 && bias.allSatisfy({ abs($0) < 1 << 24 }) {
              runFused3x3(xp.baseAddress!, yp.baseAddress!, sp.baseAddress!)
            } else if let direct3x3 {
              // Exact float sums of codes (or of centred codes, from dequantized values),
              // then the zero point's share off and requantized.
              var sums: Tensor
              if inputScale == 0 {
                sums = direct3x3(x, batch: batch)
              } else {
                var centred = Tensor(uninitializedShape: x.shape)
                centred.withUnsafeMutableBufferPointer { cp in
                  ck_qcentre(xp.baseAddress, xp.count, inputScale, inputZero, cp.baseAddress)
                }
                sums = direct3x3(centred, batch: batch)
              }
              let xz = inputScale == 0 ? inputZero : 0
              sums.withUnsafeBufferPointer { sp in
                taps.withUnsafeBufferPointer { tp in
                  ck_qrequant_depthwise(
                    sp.baseAddress, batch * outputs, outputs, g.outH, g.outW, g.height, g.width, tp.baseAddress, 3, 3,
                    g.strideH, g.strideW, g.padTop, g.padLeft, xz, &rq, yp.baseAddress)
                }
              }
            } else if depthwise {
              runDepthwise(xp.baseAddress!, yp.baseAddress!, &rq)
            } else {
              runGemm(xp.baseAddress!, yp.baseAddress!, &rq)
            }
          }
        }
      }
    }
    return y
  }

  /// Centred codes in: the float 3×3 kernel sums them exactly and requantizes as it stores.
  private func runFused3x3(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ scales: UnsafePointer<Float>) {
    let g = geometry
    var p = ck_depthwise_params()
    (p.channels, p.height, p.width, p.out_height, p.out_width) = (outputs, g.height, g.width, g.outH, g.outW)
    (p.stride, p.pad_top, p.pad_left) = (Int32(g.strideH), Int32(g.padTop), Int32(g.padLeft))
    (p.requant, p.requant_zero, p.requant_lo, p.requant_hi) = (1, out.zeroPoint, out.low, out.high)
    (p.requant_out_scale, p.requant_dequantize) = (out.scale, dequantize ? 1 : 0)
    let plane = g.outPlane
    taps.withUnsafeBufferPointer { tp in
      floatBias.withUnsafeBufferPointer { bp in
        (p.weights, p.bias, p.requant_scale) = (tp.baseAddress, bp.baseAddress, scales)
        let params = p
        parallelChunks(batch * outputs, grain: max(1, 2048 / max(plane, 1))) { planes in
          var q = params
          ck_depthwise3x3(&q, x, y, planes.lowerBound, planes.upperBound)
        }
      }
    }
  }

  private func runDepthwise(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rq: inout ck_requant) {
    let g = geometry
    let (inPlane, outPlane) = (g.height * g.width, g.outPlane)
    taps.withUnsafeBufferPointer { tp in
      for i in 0..<batch {
        ck_qdepthwise(
          x + i * outputs * inPlane, outputs, g.height, g.width, tp.baseAddress, g.kernelH, g.kernelW, g.strideH,
          g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW, inputScale, inputZero,
          y + i * outputs * outPlane, &rq)
      }
    }
  }

  private func runGemm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rq: inout ck_requant) {
    let g = geometry
    let pixels = g.outPlane
    let pp = (pixels + Int(CK_Q_PIXEL_ALIGN) - 1) / Int(CK_Q_PIXEL_ALIGN) * Int(CK_Q_PIXEL_ALIGN)
    let a = UnsafeMutablePointer<UInt8>.allocate(capacity: kq * pp)
    let asum = UnsafeMutablePointer<Int32>.allocate(capacity: pp)
    defer {
      a.deallocate()
      asum.deallocate()
    }
    var weights = ck_qweights(
      n: outputs, k: k, kq: kq, w: UnsafePointer(w.baseAddress), w16: w16.flatMap { UnsafePointer($0.baseAddress) },
      wt: wt.flatMap { UnsafePointer($0.baseAddress) }, wzero: nil)
    let inImage = g.channels * g.height * g.width
    wzero.withUnsafeBufferPointer { zp in
      weights.wzero = zp.baseAddress
      for i in 0..<batch {
        let xi = x + i * inImage
        if g.isPointwise {
          ck_qpack_rows(xi, pixels, k, pixels, pp, inputScale, inputZero, a, asum)
        } else {
          ck_qpack_im2col(
            xi, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padTop, g.padLeft,
            g.dilationH, g.dilationW, g.outH, g.outW, pp, inputScale, inputZero, a, asum)
        }
        ck_qgemm(&weights, a, asum, pixels, pp, y + i * outputs * pixels, pixels, &rq, path)
      }
    }
  }
}

extension Planner {
  /// A Conv marked for the int8 path (`fusion.int8Inputs`), after lowerConv has checked its
  /// geometry. The rewrite checked the weights and bias are constant codes.
  mutating func lowerInt8Conv(_ node: Node, input x: (slot: Int, shape: [Int], dtype: ElementType), _ g: ConvGeometry,
    outShape: [Int], groups: Int) throws(ModelLoadError)
  {
    guard let oq = node.fusion.outputQuantization, let iq = node.fusion.int8Inputs.first,
      let (codes, q, quantize) = int8Weights[node.inputs[1]], !quantize, codes.shape.count == 4
    else { throw fail(node, "the int8 path needs constant 8-bit weight codes") }
    var biasCodes: [Int64]?
    if node.inputs.count > 2 && !node.inputs[2].isEmpty {
      guard let b = int32Codes[node.inputs[2]], b.count == outShape[1] else {
        throw fail(node, "the int8 path needs constant int32 bias codes")
      }
      biasCodes = b.int64s()
    }
    let conv = QuantizedConv(
      geometry: g, batch: x.shape[0], codes: codes, scales: q.scales, zeros: q.zeroPoints, biasCodes: biasCodes,
      input: iq, inputIsCodes: x.dtype.isInteger, output: oq, emitsCodes: node.fusion.emitsCodes,
      centred: node.fusion.codesCentred, depthwise: groups > 1)
    // Centred codes run from −zeroPoint: a signed type wider than their 8 bits says so.
    let dtype: ElementType = node.fusion.codesCentred ? .int32 : Planner.int8Output(node, oq)
    try bind(node, outShape, dtype, inputs: [x.slot], kind: groups > 1 ? "Conv(int8 depthwise)" : "Conv(int8)") { conv($0[0]) }
  }
}
