import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `ctx(device=None, *, threads=None)`: shows or sets the session's compute context.
  static func ctxBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "ctx(device=None, *, threads=None)",
      summary: "Shows or sets the compute context (cpu or gpu(n)).",
      details: """
        ctx() shows the current context. ctx(cpu), ctx(cpu, threads=2), ctx(gpu) and ctx(gpu(1)) set it;
        every later model, tensor and training run uses it. Without a usable GPU, ctx(gpu) raises
        DeviceError and the context stays as it was.
        """
    ) { a, _ in
      let threads = try a.int("threads")
      switch a["device"] {
      case nil:
        // ctx() shows the context; ctx(threads=2) changes only the thread count.
        if let threads { try state.use(state.device, threads: threads) }
      case .host(let d as DeviceValue)?:
        try state.use(d.device, threads: threads)
      case let v?:
        throw CellError.typeError(
          "ctx() argument 'device' must be cpu or gpu(n), not '\(v.typeName)'")
      }
      return .host(ContextValue(device: state.device, threads: state.threads))
    }
  }
}
