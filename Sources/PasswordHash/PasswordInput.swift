import Glibc

/// Why no password could be read. Never contains the password.
public struct PasswordInputError: Error, Equatable, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// Reads a password from a terminal without echo, or one line from a pipe.
public enum PasswordInput {
  /// Longer input is refused rather than buffered without bound.
  public static let maximumLength = 65_536

  /// Whether `fd` is a terminal, where a password is prompted for.
  public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  /// Reads the first line of `fd`, without its newline, as UTF-8 bytes. An empty
  /// line is the empty password; end of input before any line is an error.
  public static func readLine(from fd: Int32) throws(PasswordInputError) -> [UInt8] {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      // One byte at a time, so nothing after the line is consumed.
      let n = read(fd, &byte, 1)
      let err = errno
      if n < 0 && err == EINTR { continue }
      if n < 0 { throw PasswordInputError("cannot read the password: \(errorText(err))") }
      if n == 0 {
        if line.isEmpty { throw PasswordInputError("no password given: the input is empty") }
        break
      }
      if byte == UInt8(ascii: "\n") { break }
      guard line.count < maximumLength else {
        Wipe.bytes(&line)
        throw PasswordInputError("the password is longer than \(maximumLength) bytes")
      }
      line.append(byte)
    }
    guard String(validating: line, as: UTF8.self) != nil else {
      Wipe.bytes(&line)
      throw PasswordInputError("the password is not valid UTF-8")
    }
    return line
  }

  /// Writes `prompt` to `output` and reads one line from the terminal `input` with
  /// echo off; the terminal settings come back even on Ctrl-C.
  public static func prompt(
    _ prompt: String, input: Int32, output: Int32 = 2
  ) throws(PasswordInputError) -> [UInt8] {
    var saved = termios()
    guard tcgetattr(input, &saved) == 0 else {
      throw PasswordInputError("cannot read the terminal settings: \(errorText(errno))")
    }
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    quiet.c_lflag |= tcflag_t(ECHONL)  // the Enter key still moves to the next line
    TerminalRestore.arm(fd: input, settings: saved)
    defer {
      _ = tcsetattr(input, TCSAFLUSH, &saved)
      TerminalRestore.disarm()
    }
    guard tcsetattr(input, TCSAFLUSH, &quiet) == 0 else {
      throw PasswordInputError("cannot turn off echo: \(errorText(errno))")
    }
    // Echo goes off before the prompt shows, so nothing typed after it is echoed.
    write(output, prompt)
    return try readLine(from: input)
  }

  /// Prompts twice and requires the same answer, like jupyter_server's `passwd()`.
  public static func promptNew(input: Int32, output: Int32 = 2) throws(PasswordInputError)
    -> [UInt8]
  {
    var first = try prompt("Enter password: ", input: input, output: output)
    var second = try prompt("Verify password: ", input: input, output: output)
    defer { Wipe.bytes(&second) }
    guard first == second else {
      Wipe.bytes(&first)
      throw PasswordInputError("the passwords do not match")
    }
    return first
  }

  private static func write(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    _ = Glibc.write(fd, &bytes, bytes.count)
  }

  private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Puts the terminal back if a signal ends the process while echo is off. A signal
/// handler cannot capture context, so the saved settings live in globals that only
/// `prompt` writes, before the handler is installed and after it is removed.
private enum TerminalRestore {
  nonisolated(unsafe) static var fd: Int32 = -1
  nonisolated(unsafe) static var settings = termios()
  nonisolated(unsafe) static var previous: [__sighandler_t?] = []
  // Not SIGTSTP: after a stop and `fg`, reading would go on with echo back on.
  static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

  static func arm(fd: Int32, settings: termios) {
    Self.fd = fd
    Self.settings = settings
    previous = signals.map { sig in
      let old = signal(sig) { sig in
        _ = tcsetattr(TerminalRestore.fd, TCSAFLUSH, &TerminalRestore.settings)
        _ = signal(sig, SIG_DFL)
        _ = raise(sig)
      }
      // A signal the caller ignores (nohup, a background job) stays ignored.
      if let old, unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
        _ = signal(sig, SIG_IGN)
      }
      return old
    }
  }

  /// Puts back whatever handled these signals before (an ignored SIGHUP under nohup).
  static func disarm() {
    for (sig, handler) in zip(signals, previous) { _ = signal(sig, handler) }
    previous = []
  }
}
