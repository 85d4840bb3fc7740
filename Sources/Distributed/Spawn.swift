#if canImport(Glibc)
  import Glibc
#endif

/// A child process with its stdout and stderr on pipes, read without threads (poll).
final class SpawnedProcess {
  let pid: pid_t
  private var out: Int32, err: Int32
  private var exitStatus: Int32?

  /// Starts argv[0] (an absolute path) with this process's environment.
  init(argv: [String]) throws {
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
      throw DistributedError("pipe failed: \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for a in cArgs { free(a) } }
    var child: pid_t = 0
    let rc = posix_spawn(&child, argv[0], &actions, nil, cArgs, environ)
    close(outPipe[1])
    close(errPipe[1])
    guard rc == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      throw DistributedError("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
    }
    (pid, out, err) = (child, outPipe[0], errPipe[0])
  }

  deinit {
    if out >= 0 { close(out) }
    if err >= 0 { close(err) }
    if exitStatus == nil {
      kill(pid, SIGTERM)
      _ = wait()
    }
  }

  /// What arrived on either pipe within the timeout; `closed` once both reached end of file.
  func read(timeoutMilliseconds: Int32) -> (stdout: [UInt8], stderr: [UInt8], closed: Bool) {
    var fds = [out, err].filter { $0 >= 0 }.map {
      pollfd(fd: $0, events: Int16(POLLIN), revents: 0)
    }
    guard !fds.isEmpty else { return ([], [], true) }
    _ = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
    var got: [Int32: [UInt8]] = [:]
    for f in fds where f.revents != 0 {
      var buffer = [UInt8](repeating: 0, count: 65536)
      let n = Glibc.read(f.fd, &buffer, buffer.count)
      if n > 0 {
        got[f.fd] = Array(buffer[..<n])
      } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
        close(f.fd)
        if f.fd == out { out = -1 } else { err = -1 }
      }
    }
    let result = (got[out] ?? [], got[err] ?? [], out < 0 && err < 0)
    return result
  }

  /// Waits for the child; its exit code, or 128 + the signal that ended it.
  func wait() -> Int32 {
    if let exitStatus { return exitStatus }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    exitStatus = code
    return code
  }
}
