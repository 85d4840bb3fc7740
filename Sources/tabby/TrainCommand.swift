import ArgumentParser

// Placeholder until its issue lands.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train LeNet or an MLP on MNIST-format data.")

  func run() throws {
    throw ValidationError("tabby train is not available yet")
  }
}
