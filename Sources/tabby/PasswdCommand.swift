import ArgumentParser
import Glibc
import PasswordHash

/// `tabby passwd`: makes a Jupyter server password hash, or checks a password against one.
struct PasswdCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "passwd",
    abstract: "Make or check a Jupyter password hash.",
    discussion: """
      Prints a hash for PasswordIdentityProvider.hashed_password (or ServerApp.password). \
      On a terminal the password is prompted for without echo (twice when making a \
      hash); otherwise, or with --stdin, it is the first line of standard input.

      With --check the exit status is 0 on a match, 1 on a mismatch, and 2 when the \
      hash is malformed or the password cannot be read.
      """)

  @Option(help: "Hash algorithm for a new hash; argon2 (argon2id) is the default.")
  var algorithm: JupyterPassword.Algorithm?

  @Option(
    name: .customLong("check"),
    help: ArgumentHelp("Verify the password against this hash instead.", valueName: "hash"))
  var hash: String?

  @Flag(help: "Read the password from the first line of standard input, even on a terminal.")
  var stdin = false

  func validate() throws {
    if hash != nil && algorithm != nil {
      throw ValidationError("--algorithm makes a new hash; it cannot be combined with --check")
    }
  }

  func run() throws {
    if let hash { try check(hash) } else { try make() }
  }

  private var prompting: Bool { !stdin && PasswordInput.isTerminal(STDIN_FILENO) }

  private func make() throws {
    var password = try PasswordInput.readOrFail(prompting: prompting, confirm: true, status: 1)
    defer { Wipe.bytes(&password) }
    if password.isEmpty { Self.say("warning: the password is empty") }
    do {
      print(try JupyterPassword.hash(password, algorithm: algorithm ?? .argon2))
    } catch {
      Self.say("error: \(error)")
      throw ExitCode(1)
    }
  }

  private func check(_ hash: String) throws {
    var password = try PasswordInput.readOrFail(prompting: prompting, confirm: false, status: 2)
    defer { Wipe.bytes(&password) }
    let matches: Bool
    do {
      matches = try JupyterPassword.check(password, against: hash)
    } catch {
      Self.say("error: \(error)")
      throw ExitCode(2)
    }
    guard matches else {
      Self.say("the password does not match")
      throw ExitCode(1)
    }
  }

  static func say(_ line: String) {
    var bytes = Array("tabby passwd: \(line)\n".utf8)
    _ = write(STDERR_FILENO, &bytes, bytes.count)
  }
}

extension JupyterPassword.Algorithm: ExpressibleByArgument {}

extension PasswordInput {
  /// Reads the password from the terminal or standard input; on failure says why and
  /// exits with `status` (checking reserves 1 for a mismatch).
  fileprivate static func readOrFail(prompting: Bool, confirm: Bool, status: Int32) throws
    -> [UInt8]
  {
    do {
      if !prompting { return try readLine(from: STDIN_FILENO) }
      return confirm
        ? try promptNew(input: STDIN_FILENO)
        : try prompt("Password: ", input: STDIN_FILENO)
    } catch {
      PasswdCommand.say("error: \(error)")
      throw ExitCode(status)
    }
  }
}
