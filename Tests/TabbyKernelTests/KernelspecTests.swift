import JSON
import KernelCore
import TestSupport
import Testing

@testable import TabbyKernel

#if canImport(Glibc)
  import Glibc
#endif

private let root: String = {
  var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)  // Tests/TabbyKernelTests/KernelspecTests.swift
  return parts.joined(separator: "/")
}()


@Test func kernelJSONPointsAtTheBinaryAndUsesMessageInterrupts() throws {
  let spec = try JSON.parse(try Kernelspec.kernelJSON(binary: "/opt/tabby/bin/tabby"))
  #expect(spec["argv"] == ["/opt/tabby/bin/tabby", "kernel", "-f", "{connection_file}"])
  #expect(spec["interrupt_mode"] == "message")
  #expect(spec["language"] == TabbyInterpreter.kernelInfo.languageInfo["name"])
  #expect(spec["display_name"]?.stringValue?.isEmpty == false)
}

@Test func embeddedFilesMatchTheKernelspecDirectory() throws {
  // If this fails, run kernelspec/generate.py: the binary would install stale files.
  #expect(try readFile(root + "/kernelspec/logo-32x32.png") == KernelspecAssets.logo32)
  #expect(try readFile(root + "/kernelspec/logo-64x64.png") == KernelspecAssets.logo64)
  #expect(
    try readFile(root + "/kernelspec/kernel.json")
      == Array((KernelspecAssets.kernelJSON + "\n").utf8))
}

@Test(arguments: [(KernelspecAssets.logo32, 32), (KernelspecAssets.logo64, 64)])
func logosArePNGsOfTheRightSize(png: [UInt8], size: Int) {
  #expect(png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  #expect(Array(png[12..<16]) == Array("IHDR".utf8))
  let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
  let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
  #expect(width == size && height == size)
}

@Test func installReplacesAStalePathAndUninstallRemoves() throws {
  let prefix = Scratch.directory("spec")
  let location = KernelspecLocation.prefix(prefix)
  let dir = try Kernelspec.install(at: location, binary: "/old/tabby")
  #expect(dir == prefix + "/share/jupyter/kernels/tabby")
  try Kernelspec.install(at: location, binary: "/new/tabby")
  let spec = try JSON.parse(try readFile(dir + "/kernel.json"))
  #expect(spec["argv"]?[0] == "/new/tabby")
  #expect(try readFile(dir + "/logo-64x64.png") == KernelspecAssets.logo64)
  #expect(try Kernelspec.uninstall(at: location) == dir)
  #expect(access(dir, F_OK) != 0)
  #expect(try Kernelspec.uninstall(at: location) == nil)
}

@Test func installIntoAnUnwritablePlaceIsAnErrorValue() {
  #expect(throws: KernelspecError.self) {
    try Kernelspec.install(at: .prefix("/proc/no-such-place"), binary: "/x")
  }
}

@Test func executablePathIsAbsolute() {
  #expect(currentExecutablePath()?.hasPrefix("/") == true)
}
