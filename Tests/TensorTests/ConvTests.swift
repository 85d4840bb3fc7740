import TestSupport
import Testing

@testable import Tensor

struct ConvCase: CustomTestStringConvertible, Sendable {
  var n = 2, c = 3, h = 9, w = 8, cout = 4, kh = 3, kw = 3
  var stride = (h: 1, w: 1), pads = [0, 0, 0, 0], dilation = (h: 1, w: 1), groups = 1
  var bias = true
  var testDescription: String {
    "n\(n) c\(c) \(h)x\(w) → \(cout) k\(kh)x\(kw) s\(stride) p\(pads) d\(dilation) g\(groups)"
  }
}

func naiveConv(_ x: Tensor, _ wt: Tensor, _ b: Tensor?, _ cc: ConvCase) -> Tensor {
  let oh = (cc.h + cc.pads[0] + cc.pads[2] - (cc.kh - 1) * cc.dilation.h - 1) / cc.stride.h + 1
  let ow = (cc.w + cc.pads[1] + cc.pads[3] - (cc.kw - 1) * cc.dilation.w - 1) / cc.stride.w + 1
  let cg = cc.c / cc.groups
  let og = cc.cout / cc.groups
  var out = [Float](repeating: 0, count: cc.n * cc.cout * oh * ow)
  let xs = x.scalars
  let ws = wt.scalars
  let bs = b?.scalars
  for n in 0..<cc.n {
    for o in 0..<cc.cout {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var s: Float = bs?[o] ?? 0
          let g = o / og
          for ci in 0..<cg {
            for ki in 0..<cc.kh {
              for kj in 0..<cc.kw {
                let iy = oy * cc.stride.h - cc.pads[0] + ki * cc.dilation.h
                let ix = ox * cc.stride.w - cc.pads[1] + kj * cc.dilation.w
                guard iy >= 0, iy < cc.h, ix >= 0, ix < cc.w else { continue }
                s +=
                  xs[flat([n, g * cg + ci, iy, ix], x.shape)] * ws[flat([o, ci, ki, kj], wt.shape)]
              }
            }
          }
          out[flat([n, o, oy, ox], [cc.n, cc.cout, oh, ow])] = s
        }
      }
    }
  }
  return try! Tensor(shape: [cc.n, cc.cout, oh, ow], scalars: out)
}

let convCases: [ConvCase] = [
  ConvCase(),
  ConvCase(n: 1),
  ConvCase(stride: (2, 2), pads: [1, 1, 1, 1]),
  ConvCase(stride: (2, 1), pads: [0, 1, 2, 1], bias: false),
  ConvCase(h: 11, w: 10, dilation: (2, 2)),
  ConvCase(c: 4, cout: 6, groups: 2),
  ConvCase(c: 4, cout: 4, pads: [1, 1, 1, 1], groups: 4),
  ConvCase(n: 1, c: 3, cout: 6, stride: (2, 2), pads: [0, 0, 1, 1], groups: 3),
  ConvCase(c: 5, cout: 7, kh: 1, kw: 1),
  ConvCase(n: 1, c: 5, cout: 7, kh: 1, kw: 1),
  ConvCase(n: 3, c: 1, h: 28, w: 28, cout: 20, kh: 5, kw: 5),
]

@Test(arguments: convCases)
func conv2dMatchesNaiveLoops(_ cc: ConvCase) throws {
  let x = randomTensor([cc.n, cc.c, cc.h, cc.w], seed: 1)
  let w = randomTensor([cc.cout, cc.c / cc.groups, cc.kh, cc.kw], seed: 2)
  let b = cc.bias ? randomTensor([cc.cout], seed: 3) : nil
  let opts = Conv2DOptions(
    stride: cc.stride, pads: cc.pads, dilation: cc.dilation, groups: cc.groups)
  let y = try Tensor.conv2d(x, weight: w, bias: b, options: opts)
  expectClose(y, naiveConv(x, w, b, cc))
}

@Test func conv2dFusedActivation() throws {
  let cc = ConvCase()
  let x = randomTensor([2, 3, 9, 8], seed: 4)
  let w = randomTensor([4, 3, 3, 3], seed: 5)
  let b = randomTensor([4], seed: 6)
  let y = try Tensor.conv2d(x, weight: w, bias: b, activation: .tanh)
  expectClose(y, Tensor.tanh(naiveConv(x, w, b, cc)))
}

@Test func conv2dRejectsChannelMismatch() {
  let x = Tensor(zeros: [1, 3, 8, 8])
  let w = Tensor(zeros: [4, 2, 3, 3])
  #expect(throws: TensorError.self) { try Tensor.conv2d(x, weight: w) }
  #expect(throws: TensorError.self) { try Tensor.conv2d(x, weight: Tensor(zeros: [4, 3, 9, 9])) }
}
