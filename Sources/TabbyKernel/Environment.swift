import KernelCore

#if canImport(Glibc)
  import Glibc
#endif

/// Tabby's version, shared by `tabby --version`, kernel_info and the kernelspec.
public let tabbyVersion = "0.1.0"

/// An environment variable, or nil when unset or empty.
public func environment(_ name: String) -> String? {
  guard let p = getenv(name) else { return nil }
  let s = String(cString: p)
  return s.isEmpty ? nil : s
}

/// Where Tabby keeps its own files (history): $TABBY_DATA_DIR, else $XDG_DATA_HOME/tabby,
/// else ~/.local/share/tabby.
public func tabbyDataDirectory() -> String {
  if let d = environment("TABBY_DATA_DIR") { return d }
  if let x = environment("XDG_DATA_HOME") { return x + "/tabby" }
  return (environment("HOME") ?? "/tmp") + "/.local/share/tabby"
}

/// A pointer to the flag SIGINT raises; set once, before the handler is installed.
nonisolated(unsafe) private var sigintFlag: Unmanaged<InterruptFlagBox>?

/// Holds the flag for the signal handler (an Unmanaged reference needs a class).
final class InterruptFlagBox {
  let interpreter: TabbyInterpreter
  init(_ i: TabbyInterpreter) { interpreter = i }
}

/// Makes SIGINT interrupt the running cell instead of killing the kernel: the handler
/// only stores to an atomic flag (async-signal-safe), which each cell resets on start,
/// so a SIGINT while idle does nothing. SIGPIPE is ignored: a closed stderr is not fatal.
public func installSignalHandlers(_ interpreter: TabbyInterpreter) {
  sigintFlag = Unmanaged.passRetained(InterruptFlagBox(interpreter))
  var action = sigaction()
  action.__sigaction_handler.sa_handler = { _ in
    sigintFlag?._withUnsafeGuaranteedRef { $0.interpreter.interruptFlag.raise() }
  }
  sigemptyset(&action.sa_mask)
  action.sa_flags = SA_RESTART
  sigaction(SIGINT, &action, nil)
  signal(SIGPIPE, SIG_IGN)
}
