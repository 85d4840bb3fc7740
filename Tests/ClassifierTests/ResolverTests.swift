import Foundation
import Testing

@testable import Classifier

@Suite struct ResolverTests {
  func resolver(_ dir: TempDir, models: String? = nil, zoo: ModelZoo = .builtin) -> ModelResolver {
    let env = ClassifierEnvironment(
      modelsDirectory: models, cacheDirectory: dir.path + "/cache",
      zooBaseURL: "http://127.0.0.1:9/")  // discard port: nothing may be fetched here
    return ModelResolver(environment: env, zoo: zoo)
  }

  func resolve(_ r: ModelResolver, _ name: String, epoch: Int? = nil) throws -> ResolvedModel {
    try r.resolve(name, epoch: epoch, progress: nil, message: nil)
  }

  @Test(arguments: ["m.onnx", "m.onnx.gz"])
  func existingOnnxPath(file: String) throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let path = dir.write(file, "x")
    let got = try resolve(resolver(dir), path)
    #expect(got.location == .onnx(path: path))
    #expect(got.origin == .path)
  }

  @Test func mxnetPrefixPicksTheHighestEpochByDefault() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    dir.write("net-symbol.json", "{}")
    for e in ["0001", "0010", "0002"] { dir.write("net-\(e).params", "") }
    dir.write("other-0099.params", "")
    let prefix = dir.path + "/net"
    let r = resolver(dir)
    #expect(try resolve(r, prefix).location == .mxnet(prefix: prefix, epoch: 10))
    #expect(try resolve(r, prefix + "-symbol.json").location == .mxnet(prefix: prefix, epoch: 10))
    #expect(try resolve(r, prefix, epoch: 2).location == .mxnet(prefix: prefix, epoch: 2))
    #expect(try resolve(r, prefix + "-0001.params").location == .mxnet(prefix: prefix, epoch: 1))
  }

  @Test func mxnetGzippedParamsCount() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    dir.write("r-symbol.json", "{}")
    dir.write("r-0000.params.gz", "")
    #expect(try resolve(resolver(dir), dir.path + "/r").location == .mxnet(prefix: dir.path + "/r", epoch: 0))
  }

  @Test func mxnetMissingEpochNamesTheEpochsPresent() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    dir.write("net-symbol.json", "{}")
    dir.write("net-0003.params", "")
    do {
      _ = try resolve(resolver(dir), dir.path + "/net", epoch: 7)
      Issue.record("no error")
    } catch let error as ClassifierError {
      #expect(error.kind == .modelNotFound)
      #expect(error.message.contains("epoch 7"))
      #expect(error.message.contains("3"))
    }
  }

  @Test func unknownExtensionIsABadModel() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let path = dir.write("weights.bin", "x")
    #expect { try resolve(resolver(dir), path) } throws: {
      ($0 as? ClassifierError)?.kind == .badModel
    }
  }

  @Test func userDirectoryAndSymlinksAreTrusted() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let models = dir.path + "/models"
    try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
    let target = dir.write("real.onnx", "x")
    try FileManager.default.createSymbolicLink(atPath: models + "/mobilenetv2.onnx", withDestinationPath: target)
    let got = try resolve(resolver(dir, models: models), "mobilenetv2")
    #expect(got.location == .onnx(path: models + "/mobilenetv2.onnx"))
    #expect(got.origin == .userDirectory)
    #expect(got.zooEntry?.name == "mobilenetv2")
    let byFull = try resolve(resolver(dir, models: models), "mobilenetv2.onnx")
    #expect(byFull.origin == .userDirectory)
  }

  @Test func cacheIsUsedBeforeAnyDownload() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    try FileManager.default.createDirectory(atPath: dir.path + "/cache", withIntermediateDirectories: true)
    let cached = dir.write("cache/squeezenet1.1-7.onnx", "x")
    let got = try resolve(resolver(dir), "SqueezeNet1.1")
    #expect(got.location == .onnx(path: cached))
    #expect(got.origin == .cache)
    #expect(got.zooEntry?.profile == "imagenet")
  }

  @Test func unknownNameListsTheZoo() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    do {
      _ = try resolve(resolver(dir, models: dir.path), "alexnet")
      Issue.record("no error")
    } catch let error as ClassifierError {
      #expect(error.kind == .modelNotFound)
      #expect(error.message.contains("alexnet"))
      #expect(error.message.contains("squeezenet1.1"))
    }
  }

  @Test func offlineZooDownloadNamesTheURLAndWhereToPutTheFile() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    do {
      _ = try resolve(resolver(dir), "resnet18")
      Issue.record("no error")
    } catch let error as ClassifierError {
      #expect(error.kind == .downloadFailed)
      #expect(error.message.contains("http://127.0.0.1:9/resnet/model/resnet18-v1-7.onnx"))
      #expect(error.message.contains(dir.path + "/cache/resnet18-v1-7.onnx"))
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path + "/cache/resnet18-v1-7.onnx"))
  }

  @Test(arguments: [
    ("net-0000.params", "net", 0), ("a-b-0012.params.gz", "a-b", 12), ("/x/y-1234.params", "/x/y", 1234),
  ])
  func paramsNames(file: String, prefix: String, epoch: Int) {
    let got = paramsName(file)
    #expect(got?.0 == prefix)
    #expect(got?.1 == epoch)
  }

  @Test(arguments: ["net.params", "net-12.params", "net-00x1.params", "net-0001.json"])
  func notParamsNames(file: String) {
    #expect(paramsName(file) == nil)
  }
}

@Suite struct EnvironmentTests {
  @Test func cacheDirectoryOrder() {
    let a = ClassifierEnvironment.fromProcess(["TABBY_CACHE": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"])
    #expect(a.cacheDirectory == "/c")
    let b = ClassifierEnvironment.fromProcess(["XDG_CACHE_HOME": "/x", "HOME": "/h"])
    #expect(b.cacheDirectory == "/x/tabby")
    let c = ClassifierEnvironment.fromProcess(["HOME": "/h", "TABBY_MODELS": "/m", "TABBY_ZOO_URL": "http://z/"])
    #expect(c.cacheDirectory == "/h/.cache/tabby")
    #expect(c.modelsDirectory == "/m")
    #expect(c.zooBaseURL == "http://z/")
    #expect(ClassifierEnvironment.fromProcess(["HOME": "/h"]).zooBaseURL == ModelZoo.defaultBaseURL)
  }
}
