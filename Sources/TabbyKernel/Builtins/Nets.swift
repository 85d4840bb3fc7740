import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `lenet(...)`: a new LeNet.
  static func lenetBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "lenet(activation='tanh', seed=42)",
      summary: "A new LeNet for 28×28 gray images (conv 20, conv 50, fc 500, fc 10)."
    ) { a, _ in
      try state.checkDevice()
      let model = TrainableModel.lenet(
        activation: try activation(a), seed: try seed(a), classNames: state.classNames)
      return .host(NetModel(model, device: state.device))
    }
  }

  /// `mlp(...)`: a new multilayer perceptron.
  static func mlpBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "mlp(hidden=[128, 64], activation='relu', seed=42)",
      summary: "A new multilayer perceptron for 28×28 gray images."
    ) { a, _ in
      try state.checkDevice()
      let hidden = try intList(a.value("hidden") ?? .list(ListObject()), name: "hidden")
      let model = try engine {
        try TrainableModel.mlp(
          hidden: hidden, activation: try activation(a), seed: try seed(a),
          classNames: state.classNames)
      }
      return .host(NetModel(model, device: state.device))
    }
  }

  /// `summary(model)`: the layer table.
  static func summaryBuiltin() -> Builtin {
    Builtin(
      "summary(model)", summary: "A table of the model's layers: name, output shape, parameters."
    ) { a, _ in
      switch a["model"] {
      case .host(let m as NetModel)?: return .host(try SummaryValue(model: m))
      case .host(let p as PretrainedValue)?: return .host(p)
      case let v?:
        throw CellError.typeError("summary() argument 'model' must be a Model, not '\(v.typeName)'")
      case nil: return .none
      }
    }
  }

  static func activation(_ a: BoundArguments) throws -> TrainableModel.Activation {
    let name = try a.string("activation", default: "")
    guard let act = TrainableModel.Activation(rawValue: name) else {
      throw CellError.valueError("activation must be relu, tanh or sigmoid, not '\(name)'")
    }
    return act
  }

  static func seed(_ a: BoundArguments) throws -> UInt64 {
    UInt64(truncatingIfNeeded: try a.int("seed", default: 0))
  }

  static func intList(_ v: Value, name: String) throws -> [Int] {
    let items: [Value]
    switch v {
    case .list(let l): items = l.items
    case .tuple(let t): items = t
    case .int: items = [v]
    default: throw CellError.typeError("'\(name)' must be a list of ints, not '\(v.typeName)'")
    }
    return try items.map { item in
      guard case .int(let n) = item, n >= 1 else {
        throw CellError.valueError("'\(name)' sizes must be positive ints")
      }
      return n
    }
  }
}
