import ArgumentParser

// Placeholder until its issue lands.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict", abstract: "Classify images with a pretrained model.")

  func run() throws {
    throw ValidationError("tabby predict is not available yet")
  }
}
