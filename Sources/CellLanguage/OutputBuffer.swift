/// Coalesces a cell's stream output the way ipykernel does: the first write after a
/// quiet spell goes out at once (a trivial cell's latency is unchanged), later ones are
/// buffered and sent at most every `interval`, before any other output, and at the end
/// of the cell. A `for` loop printing 50,000 lines then costs a handful of IOPub
/// messages instead of 50,000, which a slow frontend would otherwise drop. Past
/// `maxBytes` in one cell the rest is counted, not sent, and the cell says so.
final class OutputBuffer: OutputSink {
  let base: OutputSink
  let flag: InterruptFlag
  static let interval = Duration.milliseconds(100)
  /// The largest message sent: a buffer this big goes out without waiting.
  static let maxMessageBytes = 1 << 20
  /// The most stream text one cell sends; the default suits any notebook frontend.
  let maxBytes: Int

  private var pending = ""
  private var pendingName = OutputStreamName.stdout
  private var lastFlush: ContinuousClock.Instant?
  private var sentBytes = 0
  private var droppedBytes = 0
  private let clock = ContinuousClock()

  init(_ base: OutputSink, flag: InterruptFlag, maxBytes: Int = 32 << 20) {
    self.base = base
    self.flag = flag
    self.maxBytes = maxBytes
  }

  func stream(_ name: OutputStreamName, _ text: String) {
    let size = text.utf8.count
    guard droppedBytes == 0, sentBytes + pending.utf8.count + size <= maxBytes else {
      if droppedBytes == 0 {
        flush()
        base.stream(.stderr, "\n[output truncated: this cell printed more than \(Memory.describe(maxBytes)); the rest is not shown]\n")
      }
      droppedBytes += size
      return
    }
    if name != pendingName { flush() }
    pendingName = name
    pending += text
    let now = clock.now
    if lastFlush.map({ now - $0 >= Self.interval }) ?? true || pending.utf8.count >= Self.maxMessageBytes {
      flush(now: now)
    } else {
      flag.setPendingOutput(true)
    }
  }

  /// Sends what is buffered if the interval has passed (polled with the interrupt).
  func flushIfDue() {
    let now = clock.now
    if lastFlush.map({ now - $0 >= Self.interval }) ?? true { flush(now: now) }
  }

  func flush(now: ContinuousClock.Instant? = nil) {
    flag.setPendingOutput(false)
    guard !pending.isEmpty else { return }
    sentBytes += pending.utf8.count
    base.stream(pendingName, pending)
    pending = ""
    lastFlush = now ?? clock.now
  }

  /// The end of the cell: everything buffered goes out, and a truncation is counted.
  func finish() {
    flush()
    if droppedBytes > 0 {
      base.stream(.stderr, "[output truncated: \(droppedBytes) more bytes were printed and not shown]\n")
    }
  }

  func display(_ bundle: MimeBundle, displayID: String?) {
    flush()
    base.display(bundle, displayID: displayID)
  }

  func updateDisplay(_ bundle: MimeBundle, displayID: String) {
    flush()
    base.updateDisplay(bundle, displayID: displayID)
  }

  func clearOutput(wait: Bool) {
    flush()
    base.clearOutput(wait: wait)
  }

  func readInput(prompt: String, password: Bool) throws -> String {
    flush()
    return try base.readInput(prompt: prompt, password: password)
  }
}
