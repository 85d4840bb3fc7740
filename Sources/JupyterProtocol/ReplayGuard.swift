import Synchronization

/// Remembers the signatures of recently accepted messages so that a byte-identical
/// replay is refused. Bounded: the oldest digests are forgotten first.
public final class ReplayGuard: Sendable {
  private struct State {
    var seen: Set<[UInt8]> = []
    var order: [[UInt8]] = []
    var next = 0
  }
  private let state = Mutex(State())
  private let capacity: Int

  public init(capacity: Int = 65_536) {
    self.capacity = max(1, capacity)
  }

  /// Records `signature`; false when it was already seen (a replay).
  public func admit(_ signature: [UInt8]) -> Bool {
    state.withLock { s in
      if s.seen.contains(signature) { return false }
      if s.order.count < capacity {
        s.order.append(signature)
      } else {
        s.seen.remove(s.order[s.next])
        s.order[s.next] = signature
        s.next = (s.next + 1) % capacity
      }
      s.seen.insert(signature)
      return true
    }
  }
}
