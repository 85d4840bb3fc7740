import JSON
import TestSupport
import Testing

@testable import ModelIO

@Suite struct MXNetParamsTests {
  @Test(.needsShared, arguments: ["dtypes_named.params", "list_unnamed.params"])
  func decodesReferenceFiles(file: String) throws {
    let expected = try Shared.json(Shared.reference + "/mxnet_format/expected.json")[file]!.arrayValue!
    let entries = try MXNetParams.read(path: Shared.reference + "/mxnet_format/" + file)
    #expect(entries.count == expected.count)
    for (e, x) in zip(entries, expected) {
      #expect(e.name == x["name"]?.stringValue)
      let a = try #require(e.array)
      #expect(a.dtype.rawValue == x["dtype"]?.stringValue)
      #expect(a.shape == x["shape"]!.arrayValue!.map { $0.intValue! })
      #expect((0..<a.count).map { a.double(at: $0) } == x["values"]!.arrayValue!.map { $0.doubleValue! })
    }
  }

  @Test(.needsShared) func decodesLegacyLayouts() throws {
    let entries = try MXNetParams.read(path: Shared.reference + "/mxnet_format/legacy_layouts.params")
    #expect(entries.map(\.name) == ["arg:legacy_u32dims", "arg:v1_magic", "arg:v2_handmade"])
    for e in entries {
      let a = try #require(e.array)
      #expect(a.shape == [2, 3])
      #expect(a.floats() == [1.5, -2.0, 0.25, 4.0, 5.0, -6.5])
    }
  }

  @Test(.needsShared) func readsCheckpointsIncludingGzip() throws {
    let lenet = try MXNetParams.read(path: Shared.models + "/lenet_random-0000.params")
    #expect(lenet.count == 8)
    #expect(lenet.first?.name == "arg:conv1_bias" && lenet.first?.array?.shape == [20])
    let resnet = try MXNetParams.read(path: Shared.models + "/resnet18_v1-0000.params.gz")
    #expect(resnet.count == 102)
    #expect(resnet.filter { $0.name!.hasPrefix("aux:") }.count == 40)
  }

  @Test(.needsShared) func roundTripsEveryType() throws {
    var entries: [(name: String, array: HostArray)] = [
      ("arg:w", HostArray(shape: [2, 3], floats: [1, -2, 3.5, 0, .infinity, -0.0]))
    ]
    for t in [ElementType.uint8, .int8, .int32, .int64, .float64, .float16] {
      let bytes = (0..<(4 * t.size)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      entries.append(("aux:\(t)", HostArray(dtype: t, shape: [4], bytes: bytes)))
    }
    let encoded = MXNetParams.encode(entries)
    let decoded = try MXNetParams.decode(encoded)
    #expect(decoded.map(\.name) == entries.map(\.name))
    #expect(decoded.map(\.array) == entries.map(\.array))
    let lenetBytes = try ModelFiles.read(path: Shared.models + "/lenet_random-0000.params")
    let lenet = try MXNetParams.decode(lenetBytes)
    #expect(MXNetParams.encode(lenet.map { ($0.name!, $0.array!) }) == lenetBytes)
  }

  @Test(arguments: [
    ([UInt8](), "needs 8 bytes"),
    ([0x13, 1, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16), "not an MXNet NDArray list"),
    ([0x12, 1] + [UInt8](repeating: 0, count: 14) + [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], "array count"),
  ])
  func rejectsBadHeaders(bytes: [UInt8], fragment: String) {
    #expect {
      try MXNetParams.decode(bytes)
    } throws: { ($0 as? ModelLoadError)?.message.contains(fragment) == true }
  }

  @Test(.needsShared) func refusesOversizedFileBeforeReading() {
    #expect {
      try MXNetParams.read(path: Shared.models + "/lenet_random-0000.params", maxBytes: 1000)
    } throws: { ($0 as? ModelLoadError)?.message.contains("limit") == true }
  }

  @Test(.needsShared) func survivesSeededMutations() throws {
    let small = MXNetParams.encode([
      ("arg:a", HostArray(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])),
      ("aux:b", HostArray(dtype: .int64, shape: [2], integers: [7, -8])),
    ])
    let lenet = try ModelFiles.read(path: Shared.models + "/lenet_random-0000.params")
    var errors = 0
    for (i, m) in (mutations(of: small, count: 800, seed: 1, headerBias: 64)
      + mutations(of: lenet, count: 400, seed: 2)).enumerated()
    {
      do {
        let entries = try MXNetParams.decode(m)
        for e in entries { if let a = e.array { #expect(a.bytes.count == a.count * a.dtype.size, "mutation \(i)") } }
      } catch {
        errors += 1
        #expect(!error.message.isEmpty)
      }
    }
    #expect(errors > 900)
  }
}
