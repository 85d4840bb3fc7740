import ArgumentParser
import Classifier
import JupyterProtocol
import KernelCore
import ModelServerHTTP
import Synchronization
import TabbyKernel
import ZMQTransport

#if canImport(Glibc)
  import Glibc
#endif

/// `tabby kernel -f FILE`: serves one Jupyter kernel until a shutdown request.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernel", abstract: "Run the kernel for a Jupyter connection file.")

  @Option(name: .customShort("f"), help: "The connection file Jupyter wrote.")
  var connectionFile: String

  @Option(help: "debug, info, warning, error or critical (logs go to stderr).")
  var logLevel: String = "warning"

  func validate() throws {
    if LogLevel(name: logLevel) == nil {
      throw ValidationError("unknown --log-level '\(logLevel)'")
    }
  }

  func run() throws {
    Log.level = LogLevel(name: logLevel) ?? .warning
    guard access(connectionFile, R_OK) == 0 else {
      throw ValidationError(
        "cannot read connection file \(connectionFile): \(String(cString: strerror(errno)))")
    }
    let info: ConnectionInfo
    do { info = try ConnectionInfo(json: try readFile(connectionFile)) } catch {
      throw ValidationError("\(connectionFile): \(error)")
    }
    let session = Session(signer: try Signer(scheme: info.signatureScheme, key: info.key))
    // serve(model) in a cell runs the same HTTP server as `tabby serve`.
    NotebookServing.install { model, name, source, host, port, context in
      try BackgroundModelServer.start(model, name: name, source: source, host: host, port: port, context: context)
    }
    let interpreter = TabbyInterpreter()
    installSignalHandlers(interpreter)
    watchParent()
    let holder = ServerHolder()
    let kernel = Kernel(
      interpreter: interpreter, session: session,
      history: HistoryStore(directory: tabbyDataDirectory()),
      onShutdown: { restart in holder.stop(restart: restart) })
    let server = try KernelServer(info: info, kernel: kernel)
    holder.server.withLock { $0 = server }
    Log.info("serving \(info.transport) on \(info.ip), shell port \(info.shellPort)")
    server.run()
    Log.info("shut down")
  }
}

/// Exits when the process that launched us is gone, as ipykernel's parent poller does:
/// a frontend killed without a shutdown request must not leave an orphan kernel behind.
/// Only when jupyter_client says who the parent is (`JPY_PARENT_PID`); one wake-up a second.
func watchParent() {
  guard getenv("JPY_PARENT_PID") != nil else { return }
  let parent = getppid()
  _ = NativeThread {
    while true {
      sleep(1)
      if getppid() != parent {
        Log.warning("the process that started this kernel is gone; exiting")
        _exit(0)
      }
    }
  }
}

/// Lets the shutdown callback reach the server made after the kernel.
final class ServerHolder: Sendable {
  let server = Mutex<KernelServer?>(nil)

  func stop(restart: Bool) {
    server.withLock { $0?.stop() }
    // A cell that ignores the interrupt must not keep a shut-down kernel alive.
    _ = NativeThread {
      sleep(3)
      Log.warning("a cell did not stop within 3 s of shutdown; exiting")
      _exit(0)
    }
  }
}

/// The notebook's `serve(...)` holds the background server through the kernel's protocol.
extension BackgroundModelServer: RunningModelServer {}
