import ArgumentParser

/// The `tabby` command: one binary that is the Jupyter kernel and the engine's CLI.
@main
struct Tabby: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "tabby",
    abstract: "A native Jupyter kernel with an image-classifier engine inside it.",
    version: version,
    subcommands: [
      KernelCommand.self, InstallCommand.self, UninstallCommand.self,
      TrainCommand.self, PredictCommand.self, PasswdCommand.self, ServeCommand.self,
    ]
  )
}
