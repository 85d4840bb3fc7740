import ArgumentParser
import TabbyKernel

/// The kernelspec location flags shared by install and uninstall.
struct LocationOptions: ParsableArguments {
  @Flag(help: "Use the user's Jupyter data directory (the default; honours JUPYTER_DATA_DIR).")
  var user = false
  @Flag(help: "Use the prefix of the `jupyter` on PATH (e.g. the active venv).")
  var sysPrefix = false
  @Option(help: "Use DIR/share/jupyter/kernels.")
  var prefix: String?

  func validate() throws {
    if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
      throw ValidationError("choose one of --user, --sys-prefix, --prefix")
    }
  }

  var location: KernelspecLocation {
    if sysPrefix { return .sysPrefix }
    if let prefix { return .prefix(prefix) }
    return .user
  }
}

/// `tabby install`: writes the kernelspec that points Jupyter at this binary.
struct InstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install", abstract: "Install the Tabby kernelspec (replacing a stale one).")

  @OptionGroup var options: LocationOptions

  func run() throws {
    guard let binary = currentExecutablePath() else {
      throw ValidationError("cannot find this executable's path in /proc/self/exe")
    }
    let dir = try Kernelspec.install(at: options.location, binary: binary)
    print("Installed the tabby kernelspec in \(dir)")
  }
}
