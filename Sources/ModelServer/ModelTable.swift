import Foundation

/// The models the server was asked to serve: those loaded and those still loading. Read on
/// every request, written only while loading.
public final class ModelTable: @unchecked Sendable {
  private let lock = NSLock()
  private var loaded: [String: ServedModel] = [:]
  private var pending: [String]
  private var sources: [String: String]

  /// A table expecting `names` (in order), each with the source it loads from.
  public init(expecting specs: [(name: String, source: String)]) {
    pending = specs.map(\.name)
    sources = Dictionary(specs.map { ($0.name, $0.source) }) { first, _ in first }
  }

  /// Marks a model loaded.
  public func add(_ model: ServedModel) {
    lock.withLock {
      loaded[model.description.name] = model
      pending.removeAll { $0 == model.description.name }
      sources[model.description.name] = model.description.source
    }
  }

  /// The loaded model of that name.
  public func model(_ name: String) -> ServedModel? { lock.withLock { loaded[name] } }

  /// Whether the name is known (loaded or loading).
  public func isKnown(_ name: String) -> Bool { lock.withLock { sources[name] != nil } }

  /// True once every expected model is loaded (and there is at least one).
  public var isReady: Bool { lock.withLock { pending.isEmpty && !loaded.isEmpty } }

  /// Every name with its source and whether it is loaded, in a stable order.
  public var listing: [(name: String, source: String, model: ServedModel?)] {
    lock.withLock {
      sources.keys.sorted().map { ($0, sources[$0] ?? "", loaded[$0]) }
    }
  }

  /// All loaded models.
  public var all: [ServedModel] { lock.withLock { loaded.keys.sorted().compactMap { loaded[$0] } } }
}
