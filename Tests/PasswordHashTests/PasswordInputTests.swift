import Glibc
import Testing

@testable import PasswordHash

/// Puts `input` in an unnamed temporary file (a pipe could not hold the longest
/// case without a second thread) and reads one password line from it.
private func readThroughFile(_ input: [UInt8]) throws -> (password: [UInt8], rest: [UInt8]) {
  let file = try #require(tmpfile())
  defer { fclose(file) }
  let fd = fileno(file)
  _ = input.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  lseek(fd, 0, SEEK_SET)
  let password = try PasswordInput.readLine(from: fd)
  var rest = [UInt8](repeating: 0, count: 64)
  let n = read(fd, &rest, rest.count)
  return (password, Array(rest.prefix(max(n, 0))))
}

@Test(arguments: [
  ("pw\n", "pw", ""), ("pw", "pw", ""), ("\n", "", ""), ("  spaced out  \n", "  spaced out  ", ""),
  ("pässwörd ✓\n", "pässwörd ✓", ""), ("first\nsecond\n", "first", "second\n"),
  ("crlf\r\n", "crlf\r", ""),
])
func readsOneLineWithoutItsNewline(input: String, password: String, rest: String) throws {
  let got = try readThroughFile(Array(input.utf8))
  #expect(got.password == Array(password.utf8))
  #expect(got.rest == Array(rest.utf8), "nothing past the first line is consumed")
}

/// Bad stdin bytes, named briefly: the over-long case would otherwise print
/// 64 KiB of arguments into every test log.
struct BadInput: CustomTestStringConvertible, Sendable {
  var bytes: [UInt8]
  var reason: String
  var testDescription: String { "\(bytes.count) bytes → \(reason)" }
}

@Test(arguments: [
  BadInput(bytes: [], reason: "input is empty"),
  BadInput(bytes: [0xC3, 0x28, 0x0A], reason: "not valid UTF-8"),
  BadInput(bytes: [UInt8](repeating: 0x61, count: PasswordInput.maximumLength + 1), reason: "longer than"),
])
func badInputIsAnError(_ input: BadInput) {
  #expect {
    _ = try readThroughFile(input.bytes)
  } throws: { error in
    (error as? PasswordInputError)?.description.contains(input.reason) == true
  }
}

@Test func aPipeIsNotATerminal() {
  var fds: [Int32] = [0, 0]
  #expect(pipe(&fds) == 0)
  #expect(!PasswordInput.isTerminal(fds[0]))
  close(fds[0])
  close(fds[1])
}
