extension Node {
  /// Why a node's padding attributes cannot be resolved.
  public struct PaddingError: Error {
    /// What is wrong, for the caller's message about the node.
    public let message: String
  }

  /// ONNX pads [begin…, end…] for the spatial axes of an input of spatial size `input`,
  /// with auto_pad (NOTSET, VALID, SAME_UPPER, SAME_LOWER) resolved as onnxruntime does.
  public func spatialPads(input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws(PaddingError)
    -> [Int]
  {
    let n = input.count
    switch string("auto_pad") ?? "NOTSET" {
    case "NOTSET":
      let pads = ints("pads") ?? Array(repeating: 0, count: 2 * n)
      guard pads.count == 2 * n, pads.allSatisfy({ $0 >= 0 }) else { throw PaddingError(message: "pads \(pads) are invalid") }
      return pads
    case "VALID": return Array(repeating: 0, count: 2 * n)
    case let mode where mode == "SAME_UPPER" || mode == "SAME_LOWER":
      var begin: [Int] = [], end: [Int] = []
      for i in 0..<n {
        let out = (input[i] + strides[i] - 1) / strides[i]
        let total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i])
        let b = mode == "SAME_UPPER" ? total / 2 : total - total / 2
        begin.append(b)
        end.append(total - b)
      }
      return begin + end
    case let other: throw PaddingError(message: "auto_pad '\(other)' is not supported")
    }
  }
}
