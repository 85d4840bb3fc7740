import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Per-step timing of ExecutionPlan runs, on when the environment sets TABBY_PROFILE=1: the
/// totals by operator and the slowest steps go to stderr when the process exits
/// (TABBY_PROFILE=all lists every step; TABBY_PROFILE=cpu times the calling thread's CPU
/// time instead of the wall clock, steadier on a busy machine with --threads 1). Off, it
/// costs one predictable branch per step.
enum StepProfile {
  private static let setting: String = getenv("TABBY_PROFILE").map { String(cString: $0) } ?? ""
  private static let clock = setting == "cpu" ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC
  static let enabled: Bool = {
    let on = setting == "1" || setting == "all" || setting == "cpu"
    if on { atexit { StepProfile.report() } }
    return on
  }()

  private struct Entry { var nanoseconds: UInt64 = 0, calls = 0 }
  private static let totals = Mutex<[String: Entry]>([:])

  /// The profile's clock in nanoseconds.
  static func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
  }

  /// Adds one run of a plan: each step's label and duration.
  static func record(_ labels: [String], _ nanoseconds: [UInt64]) {
    totals.withLock { t in
      for (label, ns) in zip(labels, nanoseconds) {
        t[label, default: Entry()].nanoseconds += ns
        t[label, default: Entry()].calls += 1
      }
    }
  }

  /// Prints totals grouped by the label's kind (its text before " node '"), then the top steps.
  static func report() {
    let steps = totals.withLock { $0 }
    guard !steps.isEmpty else { return }
    var kinds: [String: Entry] = [:]
    for (label, e) in steps {
      let kind = Step.kind(ofLabel: label)
      kinds[kind, default: Entry()].nanoseconds += e.nanoseconds
      kinds[kind, default: Entry()].calls += e.calls
    }
    let all = Double(kinds.values.reduce(0) { $0 + $1.nanoseconds })
    func line(_ name: String, _ e: Entry) -> String {
      let ms = Double(e.nanoseconds) / 1e6
      let share = Double(e.nanoseconds) / max(all, 1) * 100
      let shown = name.count > 100 ? String(name.prefix(97)) + "..." : name
      return "  \(pad(format(share, 1) + "%", 7)) \(pad(format(ms, 2) + " ms", 12)) \(pad(String(e.calls), 7)) calls  \(shown)"
    }
    var text = "TABBY_PROFILE: \(format(all / 1e6, 2)) ms in all steps\nby kind:\n"
    for (k, e) in kinds.sorted(by: { $0.value.nanoseconds > $1.value.nanoseconds }) { text += line(k, e) + "\n" }
    text += "top steps:\n"
    for (k, e) in steps.sorted(by: { $0.value.nanoseconds > $1.value.nanoseconds }).prefix(setting == "all" ? steps.count : 25) { text += line(k, e) + "\n" }
    var bytes = Array(text.utf8)
    _ = write(2, &bytes, bytes.count)
  }

  private static func format(_ v: Double, _ digits: Int) -> String {
    var s = String(Int((v * pow(10, Double(digits))).rounded()))
    while s.count <= digits { s = "0" + s }
    s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
    return s
  }

  private static func pad(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
  }
}
