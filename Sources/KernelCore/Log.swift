import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Log levels, most verbose first.
public enum LogLevel: Int, Sendable, CaseIterable {
  case debug, info, warning, error, critical

  /// Parses a level name (case-insensitive; "warn" and Python's "WARNING" both work).
  public init?(name: String) {
    switch name.lowercased() {
    case "debug": self = .debug
    case "info": self = .info
    case "warn", "warning": self = .warning
    case "error": self = .error
    case "critical", "fatal": self = .critical
    default: return nil
    }
  }
}

/// Line-at-a-time logging to stderr, shared by every thread. Messages never include the key.
public enum Log {
  private static let threshold = Atomic<Int>(LogLevel.warning.rawValue)

  public static var level: LogLevel {
    get { LogLevel(rawValue: threshold.load(ordering: .relaxed)) ?? .warning }
    set { threshold.store(newValue.rawValue, ordering: .relaxed) }
  }

  public static func enabled(_ l: LogLevel) -> Bool {
    l.rawValue >= threshold.load(ordering: .relaxed)
  }

  public static func debug(_ m: @autoclosure () -> String) { write(.debug, m) }
  public static func info(_ m: @autoclosure () -> String) { write(.info, m) }
  public static func warning(_ m: @autoclosure () -> String) { write(.warning, m) }
  public static func error(_ m: @autoclosure () -> String) { write(.error, m) }

  private static func write(_ l: LogLevel, _ m: () -> String) {
    guard enabled(l) else { return }
    // One write(2) per line so lines from different threads do not interleave.
    var line = Array("[tabby \(l)] ".utf8)
    line.append(contentsOf: m().utf8)
    line.append(0x0A)
    line.withUnsafeBytes { b in
      var off = 0
      while off < b.count {
        let n = Glibc.write(2, b.baseAddress! + off, b.count - off)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        off += n
      }
    }
  }
}
