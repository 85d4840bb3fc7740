import ArgumentParser
import TabbyKernel

/// `tabby uninstall`: removes the kernelspec `tabby install` wrote.
struct UninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall", abstract: "Remove the Tabby kernelspec.")

  @OptionGroup var options: LocationOptions

  func run() throws {
    if let dir = try Kernelspec.uninstall(at: options.location) {
      print("Removed the tabby kernelspec from \(dir)")
    } else {
      print("No tabby kernelspec at \(try options.location.directory())")
    }
  }
}
