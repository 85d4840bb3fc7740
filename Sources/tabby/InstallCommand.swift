import ArgumentParser

// Placeholder until its issue lands.
struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install", abstract: "Install the Tabby kernelspec.")

  func run() throws {
    throw ValidationError("tabby install is not available yet")
  }
}
