import Tensor

/// The two nets of MXNet's classic `train_mnist` example, with its parameter names.
public enum Models {
  /// MLP 784-128-64-10 with ReLU (fc1, fc2, fc3).
  public static func mlp(seed: UInt64 = 0) -> Sequential {
    // Fixed small sizes: the layers' size checks cannot fail here.
    try! Sequential(
      name: "mlp",
      [
        Flatten(name: "flatten"),
        Dense(inputSize: 784, outputSize: 128, activation: .relu, name: "fc1", seed: seed),
        Dense(inputSize: 128, outputSize: 64, activation: .relu, name: "fc2", seed: seed),
        Dense(inputSize: 64, outputSize: 10, name: "fc3", seed: seed),
      ])
  }

  /// LeNet: conv 5×5×20 → act → max 2 → conv 5×5×50 → act → max 2 → fc 500 → act → fc 10.
  /// MXNet names conv1/conv2/fc1/fc2 as in lenet-symbol.json; tanh is the classic activation.
  public static func lenet(activation: Activation = .tanh, seed: UInt64 = 0) -> Sequential {
    // Fixed small sizes: the layers' size checks cannot fail here.
    try! Sequential(
      name: "lenet",
      [
        Conv2D(
          inChannels: 1, outChannels: 20, kernelSize: (5, 5), activation: activation, name: "conv1",
          seed: seed),
        MaxPool2D(poolSize: (2, 2), name: "pool1"),
        Conv2D(
          inChannels: 20, outChannels: 50, kernelSize: (5, 5), activation: activation,
          name: "conv2", seed: seed),
        MaxPool2D(poolSize: (2, 2), name: "pool2"),
        Flatten(name: "flatten"),
        Dense(inputSize: 800, outputSize: 500, activation: activation, name: "fc1", seed: seed),
        Dense(inputSize: 500, outputSize: 10, name: "fc2", seed: seed),
      ])
  }
}
