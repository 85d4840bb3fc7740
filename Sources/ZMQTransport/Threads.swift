#if canImport(Glibc)
  import Glibc
#endif

private final class ThreadBody {
  let run: @Sendable () -> Void
  init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// A joinable POSIX thread (no Foundation: it costs start-up time and memory).
public struct NativeThread: @unchecked Sendable {
  private let id: pthread_t

  /// Starts `body` on a new thread.
  public init(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var t = pthread_t()
    let rc = pthread_create(
      &t, nil,
      { arg in
        let b = Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue()
        b.run()
        return nil
      }, box)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    id = t
  }

  public func join() { pthread_join(id, nil) }
}
