import ArgumentParser

// Placeholder until its issue lands.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernel", abstract: "Run the kernel for a Jupyter connection file.")

  func run() throws {
    throw ValidationError("tabby kernel is not available yet")
  }
}
