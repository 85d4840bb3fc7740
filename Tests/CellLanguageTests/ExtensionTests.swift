import CellLanguage
import JSON
import Testing

/// What the classifier bridge will do: register built-ins and host objects.
final class FakeModel: HostObject {
  var epochs = 0
  var typeName: String { "Model" }
  var repr: String { "<Model resnet18, \(epochs) epochs>" }
  func richDisplay() -> MimeBundle? { MimeBundle(data: ["text/html": .string("<b>resnet18</b>")]) }
  var attributeNames: [String] { ["history", "epochs"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "history": .dict(DictObject([("loss", .list((0..<epochs).map { .float(1.0 / Double($0 + 1)) }))]))
    case "epochs": .int(epochs)
    default: nil
    }
  }
  var callSignature: Signature? { Signature("model(image, top=5)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    .list((0..<(try arguments.int("top", default: 5))).map { .string("class\($0)") })
  }
}

final class FakeDevice: HostObject {
  let index: Int?
  init(_ index: Int?) { self.index = index }
  var typeName: String { "Device" }
  var repr: String { index.map { "gpu(\($0))" } ?? "gpu" }
  var help: String? { "gpu: the first GPU; gpu(n) the n-th." }
  var callSignature: Signature? { Signature("gpu(index=0)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    let i = try arguments.int("index", default: 0)
    guard i < 2 else { throw DeviceError(message: "no GPU with index \(i)") }
    return .host(FakeDevice(i))
  }
}

struct DeviceError: NamedError {
  var message: String
  var ename: String { "DeviceError" }
  var evalue: String { message }
}

func extendedSession() -> Session {
  let s = Session()
  s.interpreter.register(
    Builtin("train(model, data, *, epochs=1, lr=0.01)", summary: "Trains a model on a data set.") { args, ctx in
      let model = try args.host("model", as: FakeModel.self, expected: "a Model")!
      let epochs = try args.int("epochs", default: 1)
      ctx.sink.display(.plain("starting"), displayID: "progress")
      for e in 0..<epochs {
        try ctx.checkInterrupt()
        model.epochs += 1
        ctx.sink.updateDisplay(.plain("epoch \(e + 1)/\(epochs)"), displayID: "progress")
      }
      return .host(model)
    })
  s.interpreter.register(
    Builtin("load(path, epoch=None, labels=None)", summary: "Loads a model.") { args, _ in
      throw CellError(ename: "FileNotFoundError", "No such file: \(Value.string(try args.string("path", default: "")).repr)")
    })
  s.interpreter.define(name: "gpu", value: .host(FakeDevice(nil)))
  s.interpreter.setVariable("net", .host(FakeModel()))
  return s
}

@Test func hostBuiltinsStreamDisplaysAndReturnHostObjects() throws {
  let s = extendedSession()
  let outcome = try s.run("m = train(net, 'pets', epochs=2)\nm")
  #expect(s.sink.events == [
    .display(.plain("starting"), "progress"), .update(.plain("epoch 1/2"), "progress"),
    .update(.plain("epoch 2/2"), "progress"),
  ])
  #expect(outcome.result?.data["text/html"] == .string("<b>resnet18</b>"))
  #expect(outcome.result?.data["text/plain"] == .string("<Model resnet18, 2 epochs>"))
  #expect(try s.result("m.history") == "{'loss': [1.0, 0.5]}")
  #expect(try s.result("m.history['loss'][-1] < 1") == "True")
  #expect(try s.result("m(None, top=2)") == "['class0', 'class1']")
  #expect(try s.result("type(m)") == "<class 'Model'>")
}

@Test func callableHostValues() throws {
  let s = extendedSession()
  #expect(try s.result("gpu") == "gpu")
  #expect(try s.result("gpu(1)") == "gpu(1)")
  let error = s.error("d = gpu(7)")
  #expect(error?.ename == "DeviceError")
  #expect(error?.evalue == "no GPU with index 7")
  #expect(error.flatMap { Caret($0.traceback) } == Caret("d = gpu(7)", 4, 6))
}

@Test(arguments: [
  ("load('missing.json')", "FileNotFoundError", "No such file: 'missing.json'"),
  ("train(1, 2)", "TypeError", "train() argument 'model' must be a Model, not 'int'"),
  ("train(net, 2, 3)", "TypeError", "train() takes 2 positional arguments but 3 were given"),
  ("train(net, 'pets', epochs=1, bogus=1)", "TypeError", "train() got an unexpected keyword argument 'bogus'"),
  ("train(net)", "TypeError", "train() missing 1 required positional argument: 'data'"),
  ("train(net, data=1, model=net)", "TypeError", "train() got multiple values for argument 'model'"),
  ("net.weights", "AttributeError", "'Model' object has no attribute 'weights'"),
  ("net.epochs = 3", "AttributeError", "'Model' object attribute 'epochs' is read-only"),
  ("gpu(1)(0)[0]", "TypeError", "'Device' object is not subscriptable"),
])
func hostErrorsCarryTheirNames(_ code: String, _ ename: String, _ evalue: String) {
  let error = extendedSession().error(code)
  #expect(error?.ename == ename, "\(code)")
  #expect(error?.evalue == evalue, "\(code)")
}

@Test func hostEntriesJoinHelpCompletionAndInspection() throws {
  let s = extendedSession()
  #expect(s.interpreter.complete("train(net, 'pets', ep", cursor: 21).matches == ["epochs="])
  #expect(s.interpreter.complete("net.hi", cursor: 6).matches == ["history"])
  #expect(s.interpreter.complete("gpu(", cursor: 4).matches.first == "index=")
  #expect(try s.run("train?").pager == "train(model, data, *, epochs=1, lr=0.01)\n\nTrains a model on a data set.")
  #expect(try s.run("gpu?").pager == "gpu: the first GPU; gpu(n) the n-th.")
  #expect(s.interpreter.inspect("load(", cursor: 5, detailLevel: 0)?.data["text/plain"]?.stringValue?.hasPrefix("load(path") == true)
  _ = try s.run("help()")
  #expect(s.sink.text(.stdout).contains("  train "))
  #expect(s.sink.text(.stdout).contains("  gpu "))
}

@Test func longHostWorkIsInterruptible() {
  let s = extendedSession()
  s.flag.raise()
  let error = s.error("train(net, 'pets', epochs=1000)")
  #expect(error?.ename == "KeyboardInterrupt")
  #expect(s.interpreter.variable("net").map { if case .host(let m as FakeModel) = $0 { m.epochs } else { -1 } } == 0)
}
