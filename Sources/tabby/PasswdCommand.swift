import ArgumentParser

// Placeholder until its issue lands.
struct PasswdCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "passwd", abstract: "Make or check a Jupyter password hash.")

  func run() throws {
    throw ValidationError("tabby passwd is not available yet")
  }
}
