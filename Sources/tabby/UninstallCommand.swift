import ArgumentParser

// Placeholder until its issue lands.
struct UninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall", abstract: "Remove the Tabby kernelspec.")

  func run() throws {
    throw ValidationError("tabby uninstall is not available yet")
  }
}
