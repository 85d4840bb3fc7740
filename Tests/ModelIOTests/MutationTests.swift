import TestSupport
import Testing

@testable import ModelIO

/// Corrupt files must give a clear error or a valid result, never a crash.
@Suite struct MutationTests {
  @Test(.needsShared) func symbolJSONMutations() throws {
    let symbol = try Shared.bytes(Shared.models + "/lenet_random-symbol.json")
    let params = try MXNetParams.read(path: Shared.models + "/lenet_random-0000.params")
    var errors = 0
    for m in mutations(of: symbol, count: 1200, seed: 11, headerBias: symbol.count) {
      do {
        let g = try MXNetSymbol.importGraph(symbol: m, params: params)
        // A mutation that still parses must give a graph the planner accepts or refuses cleanly.
        _ = try? LoadedModel(graph: g, format: .mxnet, file: "mutated")
      } catch {
        errors += 1
        #expect(!error.message.isEmpty)
      }
    }
    #expect(errors > 600)
  }

  @Test(.needsShared) func onnxMutations() throws {
    let onnx = try Shared.bytes(Shared.models + "/lenet_random.onnx")
    // Most of the file is weight data; bias the corruption to the graph structure at the end.
    let structure = onnx.count - 4000
    var errors = 0
    var rng = SplitMix(seed: 21)
    for (i, m) in mutations(of: onnx, count: 1200, seed: 22, headerBias: 400).enumerated() {
      var m = m
      if i % 3 == 0 && m.count > structure + 8 {
        let at = Int.random(in: structure..<m.count, using: &rng)
        m[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
      }
      do {
        let g = try ONNXReader.read(m)
        // Planning copies the weights; do it for a quarter of the survivors to stay fast.
        if i % 4 == 1 {
          do { _ = try LoadedModel(graph: g, format: .onnx, file: "mutated") } catch { errors += 1 }
        }
      } catch {
        errors += 1
        #expect(error.message.hasPrefix("ONNX"))
      }
    }
    #expect(errors > 400)
  }

  @Test(arguments: [
    ([0x08], "truncated varint"),
    ([0x3a, 0x05, 0x0a], "runs past the end"),
    ([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], "overflows"),
    ([0x0b], "wire type 3"),
    ([0x08, 0x07], "no graph"),
  ])
  func onnxWireErrors(bytes: [UInt8], fragment: String) {
    #expect {
      try ONNXReader.read(bytes)
    } throws: { ($0 as? ModelLoadError)?.message.contains(fragment) == true }
  }

  @Test(.needsShared) func unsupportedOperatorIsNamedAtLoad() throws {
    var g = try ONNXReader.read(try Shared.bytes(Shared.models + "/lenet_random.onnx"))
    g.nodes[1].op = "Einsum"
    #expect {
      try LoadedModel(graph: g, format: .onnx, file: "x.onnx")
    } throws: { e in
      let m = (e as? ModelLoadError)?.description ?? ""
      return m.contains("Einsum") && m.contains("act1") && m.contains("opset 13")
    }
  }

  @Test(.needsShared) func missingParameterNamesFileAndParameter() throws {
    var params = try MXNetParams.read(path: Shared.models + "/lenet_random-0000.params")
    params.removeAll { $0.name == "arg:fc1_weight" }
    let symbol = try Shared.bytes(Shared.models + "/lenet_random-symbol.json")
    #expect {
      try MXNetSymbol.importGraph(symbol: symbol, params: params, paramsFile: "lenet-0000.params")
    } throws: { e in
      let m = (e as? ModelLoadError)?.description ?? ""
      return m.contains("fc1_weight") && m.contains("lenet-0000.params") && m.contains("missing")
    }
  }

  @Test(.needsShared) func shapeMismatchNamesBothShapes() throws {
    var params = try MXNetParams.read(path: Shared.models + "/lenet_random-0000.params")
    let k = params.firstIndex { $0.name == "arg:conv2_weight" }!
    params[k].array!.shape = [50, 20, 25, 1]
    let symbol = try Shared.bytes(Shared.models + "/lenet_random-symbol.json")
    #expect {
      try MXNetSymbol.importGraph(symbol: symbol, params: params, paramsFile: "p.params")
    } throws: { e in
      let m = (e as? ModelLoadError)?.description ?? ""
      return m.contains("conv2_weight") && m.contains("[50, 20, 25, 1]") && m.contains("(50, _, 5, 5)") && m.contains("p.params")
    }
  }
}
