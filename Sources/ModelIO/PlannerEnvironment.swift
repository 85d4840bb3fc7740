/// The planner's values by name. A constant can be deferred: a quantized model's weights are
/// 8-bit codes behind DequantizeLinear nodes, which the int8 steps read as codes
/// (`Planner.int8Weights`); their float values, four times the codes' size, are made only if
/// some step asks for them. (For the real MobileNetV2-quant that was 14 MB of floats nobody
/// read, a third of its load time.)
struct PlannerEnvironment {
  /// A constant made on first use, then kept.
  final class Deferred {
    let shape: [Int]
    private let make: () -> HostArray
    private(set) lazy var value: HostArray = make()
    private(set) var made = false

    init(shape: [Int], _ make: @escaping () -> HostArray) {
      self.shape = shape
      self.make = make
    }

    func get() -> HostArray {
      made = true
      return value
    }
  }

  private var values: [String: Planner.Value] = [:]
  private var deferred: [String: Deferred] = [:]

  /// The value of `name`; a deferred constant is made here.
  subscript(name: String) -> Planner.Value? {
    get {
      if let d = deferred[name] { return .constant(d.get()) }
      return values[name]
    }
    set {
      deferred[name] = nil
      values[name] = newValue
    }
  }

  /// Binds `name` to a constant of this shape that `make` computes when it is first read.
  mutating func deferConstant(_ name: String, shape: [Int], _ make: @escaping () -> HostArray) {
    values[name] = nil
    deferred[name] = Deferred(shape: shape, make)
  }

  /// The shape of `name` when it is a constant, deferred ones left unmade.
  func constantShape(_ name: String) -> [Int]? {
    if let d = deferred[name] { return d.shape }
    if case .constant(let a)? = values[name] { return a.shape }
    return nil
  }

  /// Whether `name` has a value (made or deferred).
  func isDefined(_ name: String) -> Bool { values[name] != nil || deferred[name] != nil }

  /// Whether `name` is a deferred constant nobody has read yet.
  func isPending(_ name: String) -> Bool { deferred[name].map { !$0.made } ?? false }

  /// Every value, deferred constants made.
  var all: [(name: String, value: Planner.Value)] {
    values.map { ($0.key, $0.value) } + deferred.map { ($0.key, .constant($0.value.get())) }
  }
}
