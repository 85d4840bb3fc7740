import CKernels
import Tensor

/// Gemm with constant weights (a fully connected layer) on CKernels' gemm, so inference
/// never wakes OpenBLAS's threads, which would otherwise spin beside the kernels' own pool
/// for a while after each call. Computes Yᵀ = op(B)ᵀ · op(A)ᵀ: the weights are the packed
/// side, and for one image op(A)ᵀ is the input vector itself.
final class PackedDense: @unchecked Sendable {
  let inputs: Int, outputs: Int
  let transA: Bool
  let bias: [Float]?
  private let packed: UnsafeMutablePointer<Float>

  /// `weights` is op(B) as stored: [outputs, inputs] when transB, else [inputs, outputs].
  init(weights: [Float], transB: Bool, inputs: Int, outputs: Int, transA: Bool, alpha: Float, bias: [Float]?) {
    (self.inputs, self.outputs, self.transA) = (inputs, outputs, transA)
    // op(B)ᵀ as [outputs, inputs], alpha folded in.
    precondition(weights.count == inputs * outputs, "PackedDense: \(weights.count) weights for \(inputs)×\(outputs)")
    let count = ck_gemm_packed_a_count(outputs, inputs)
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
    adviseHugePages(UnsafeMutableRawPointer(packed), byteCount: count * 4)
    // [inputs, outputs] weights are packed straight from their columns: no transposed copy
    // of ConvNeXt's millions of weights (fresh pages, each faulted in) on the way.
    if transB {
      ck_gemm_pack_a(outputs, inputs, weights, inputs, packed)
    } else {
      ck_gemm_pack_a_transposed(outputs, inputs, weights, outputs, packed)
    }
    // The padding stays zero; every weight is multiplied once, as before packing.
    if alpha != 1 { for j in 0..<count { packed[j] *= alpha } }
    self.packed = packed
    self.bias = bias
  }

  deinit { packed.deallocate() }

  /// `extra`, when given, is the bias per output instead of the one made with the layer.
  func callAsFunction(_ a: Tensor, bias extra: [Float]? = nil) throws(ModelLoadError) -> Tensor {
    let rows = transA ? a.shape[1] : a.shape[0]
    var y = Tensor(uninitializedShape: [rows, outputs])
    // op(A)ᵀ is [inputs, rows]: A itself when transA or for a single row.
    let xt = transA || rows == 1 ? a : (try? a.transposed([1, 0])) ?? a
    var yt = rows == 1 ? y : Tensor(uninitializedShape: [outputs, rows])
    let status = yt.withUnsafeMutableBufferPointer { yp in
      xt.withUnsafeBufferPointer { xp in
        withOptionalPointer(extra ?? bias) { bp in
          var ep = ck_epilogue()
          ep.bias = bp
          return ck_gemm(outputs, rows, inputs, packed, xp.baseAddress!, rows, yp.baseAddress!, rows, &ep)
        }
      }
    }
    if status != 0 { throw .outOfScratchMemory }
    if rows == 1 { return yt }  // [1, outputs] either way round
    y = (try? yt.transposed([1, 0])) ?? y
    return y
  }
}

/// X [rows, k] · W [k, n] for a constant W and many rows (a Linear layer applied at every
/// position of an [N, H, W, C] tensor, as in ConvNeXt): X is packed as the gemm's A side on
/// each call — one pass over it — and W is read in place as B, so neither the input nor the
/// output is transposed (PackedDense's layout, best for a few rows, would transpose both).
final class RowsTimesConstant: @unchecked Sendable {
  let inputs: Int, outputs: Int
  /// W as stored, [inputs, outputs].
  let weights: [Float]

  init(weights: [Float], inputs: Int, outputs: Int) {
    (self.weights, self.inputs, self.outputs) = (weights, inputs, outputs)
  }

  /// With `bias` (one value per output column), Y = X·W + bias: the bias goes in the gemm's
  /// epilogue as a residual whose rows all start at the same place (row stride 0).
  func callAsFunction(_ x: Tensor, rows: Int, bias: [Float]? = nil) throws(ModelLoadError) -> Tensor {
    precondition(bias.map { $0.count == outputs } ?? true, "RowsTimesConstant: bias of \(bias?.count ?? 0) for \(outputs)")
    var y = Tensor(uninitializedShape: [rows, outputs])
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, ck_gemm_packed_a_count(rows, inputs)))
    defer { packed.deallocate() }
    x.withUnsafeBufferPointer { ck_gemm_pack_a(rows, inputs, $0.baseAddress!, inputs, packed) }
    let status = y.withUnsafeMutableBufferPointer { yp in
      weights.withUnsafeBufferPointer { wp in
        withOptionalPointer(bias) { bp in
          guard let bp else { return ck_gemm(rows, outputs, inputs, packed, wp.baseAddress!, outputs, yp.baseAddress!, outputs, nil) }
          var ep = ck_epilogue()
          (ep.residual, ep.residual_ld) = (bp, 0)
          return ck_gemm(rows, outputs, inputs, packed, wp.baseAddress!, outputs, yp.baseAddress!, outputs, &ep)
        }
      }
    }
    if status != 0 { throw .outOfScratchMemory }
    return y
  }
}
