/// Why a password could not be hashed or checked. Messages never contain the password.
public enum PasswordHashError: Error, Equatable, CustomStringConvertible {
  /// The stored hash is not in a form jupyter_server accepts; the text says which part.
  case malformed(String)
  /// libargon2 or OpenSSL failed on valid input (out of memory, no entropy).
  case library(String)

  public var description: String {
    switch self {
    case .malformed(let why): "malformed password hash: \(why)"
    case .library(let why): why
    }
  }
}
