import Tensor

/// Max pooling; backward routes each output gradient to its window's argmax.
public final class MaxPool2DFunction: Function {
  public let inputs: [Variable]
  let indices: [Int32]
  let outShape: [Int]

  init(_ x: Variable, _ indices: [Int32], _ outShape: [Int]) {
    inputs = [x]
    self.indices = indices
    self.outShape = outShape
  }

  /// Forward pass.
  public static func apply(_ x: Variable, _ options: Pool2DOptions) throws -> Variable {
    let record = GradMode.isEnabled && x.requiresGrad
    let (y, idx) = try Tensor.maxPool2DWithIndices(x.value, options, keepIndices: record)
    return Variable(y, creator: MaxPool2DFunction(x, idx, y.shape))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    var dx = Tensor(zeros: inputs[0].shape)
    let inPlane = inputs[0].shape[2] * inputs[0].shape[3]
    let outPlane = outShape[2] * outShape[3]
    dx.withUnsafeMutableBufferPointer { dp in
      g.withUnsafeBufferPointer { gp in
        indices.withUnsafeBufferPointer { ip in
          for plane in 0..<(outShape[0] * outShape[1]) {
            let d = dp.baseAddress! + plane * inPlane
            for j in 0..<outPlane { d[Int(ip[plane * outPlane + j])] += gp[plane * outPlane + j] }
          }
        }
      }
    }
    return [dx]
  }
}

/// Average pooling; backward spreads each gradient over its window with the same divisor.
public final class AvgPool2DFunction: Function {
  public let inputs: [Variable]
  let options: Pool2DOptions

  init(_ x: Variable, _ options: Pool2DOptions) {
    inputs = [x]
    self.options = options
  }

  /// Forward pass.
  public static func apply(_ x: Variable, _ options: Pool2DOptions) throws -> Variable {
    Variable(try Tensor.avgPool2D(x.value, options), creator: AvgPool2DFunction(x, options))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let s = inputs[0].shape
    let (h, w, oh, ow) = (s[2], s[3], g.shape[2], g.shape[3])
    let (kh, kw, sh, sw) = (
      options.kernel[0], options.kernel[1], options.stride[0], options.stride[1]
    )
    let (pt, pl, pb, pr) = (options.pads[0], options.pads[1], options.pads[2], options.pads[3])
    var dx = Tensor(zeros: s)
    dx.withUnsafeMutableBufferPointer { dp in
      g.withUnsafeBufferPointer { gp in
        for plane in 0..<(s[0] * s[1]) {
          for oy in 0..<oh {
            let y0 = oy * sh - pt
            let rows = max(y0, 0)..<min(y0 + kh, h)
            for ox in 0..<ow {
              let x0 = ox * sw - pl
              let cols = max(x0, 0)..<min(x0 + kw, w)
              let n =
                options.countIncludePad
                ? (min(y0 + kh, h + pb) - y0) * (min(x0 + kw, w + pr) - x0)
                : rows.count * cols.count
              guard n > 0 else { continue }
              let v = gp[(plane * oh + oy) * ow + ox] / Float(n)
              for iy in rows { for ix in cols { dp[(plane * h + iy) * w + ix] += v } }
            }
          }
        }
      }
    }
    return [dx]
  }
}

/// Global average pooling [N, C, H, W] → [N, C, 1, 1].
public final class GlobalAvgPoolFunction: Function {
  public let inputs: [Variable]
  init(_ x: Variable) { inputs = [x] }

  /// Forward pass.
  public static func apply(_ x: Variable) throws -> Variable {
    Variable(try Tensor.globalAvgPool2D(x.value), creator: GlobalAvgPoolFunction(x))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let s = inputs[0].shape
    let plane = s[2...].reduce(1, *)
    var dx = Tensor(uninitializedShape: s)
    dx.withUnsafeMutableBufferPointer { dp in
      g.withUnsafeBufferPointer { gp in
        for i in 0..<(s[0] * s[1]) {
          (dp.baseAddress! + i * plane).initialize(repeating: gp[i] / Float(plane), count: plane)
        }
      }
    }
    return [dx]
  }
}
