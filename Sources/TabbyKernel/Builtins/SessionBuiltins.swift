import CellLanguage
import Classifier

/// The classifier built-ins of the cell language (`ctx`, `load`, `predict`, `mnist`,
/// `train`, …), added to an interpreter's command table by `install(into:)`. Each built-in
/// is one declaration (signature with its defaults, summary, details, handler) in its own
/// file: Context, Load, Nets, Save, Data, Train, Evaluate, Predict. The handlers read their
/// defaults from the signature (`BoundArguments` falls back to the declared ones), so help,
/// inspection, completion and binding cannot disagree.
public enum SessionBuiltins {
  /// Registers every classifier built-in and the `cpu` / `gpu` / `serve` values on `interpreter`.
  public static func install(into interpreter: Interpreter) {
    let state = SessionState()
    interpreter.define(name: "cpu", value: .host(DeviceValue(.cpu)))
    interpreter.define(name: "gpu", value: .host(DeviceValue(.gpu(0), isFactory: true)))
    interpreter.define(name: "serve", value: .host(ServeValue(state)))
    let builtins: [Builtin] = [
      ctxBuiltin(state), loadBuiltin(state), synsetBuiltin(), lenetBuiltin(state),
      mlpBuiltin(state), summaryBuiltin(), saveBuiltin(), mnistBuiltin(state), imageBuiltin(),
      trainBuiltin(state), evaluateBuiltin(state), predictBuiltin(state), outputsBuiltin(state),
      embedBuiltin(state),
    ] + chartBuiltins()
    for builtin in builtins { interpreter.register(builtin) }
  }

  /// A classifier failure as a Python-like error name.
  static func cellError(_ e: ClassifierError) -> CellError {
    let name: String =
      switch e.kind {
      case .modelNotFound: "FileNotFoundError"
      case .invalidArgument: "ValueError"
      case .badImage: "ImageError"
      case .downloadFailed, .checksumMismatch: "DownloadError"
      case .badLabels: "LabelsError"
      case .badModel, .unsupportedModel: "ModelLoadError"
      }
    return CellError(ename: name, e.message)
  }
}

/// Runs engine work, turning the engine's errors into the language's Python-like ones.
func engine<T>(_ work: () throws -> T) throws -> T {
  do { return try work() } catch let e as ClassifierError {
    throw SessionBuiltins.cellError(e)
  } catch let e as ComputeDeviceError {
    throw CellError(ename: "DeviceError", e.description)
  } catch let e as DeviceFailure {
    throw CellError(ename: e.ename, e.message)
  } catch let e as DataError {
    // A missing file is "not found"; a truncated or malformed one is a data error.
    throw CellError(ename: e.isMissing ? "FileNotFoundError" : "DataError", e.message)
  }
}
