import JSON
import JupyterProtocol

extension Kernel {
  /// execute_request: busy → execute_input → outputs → reply → idle (busy/idle by the caller).
  func execute(_ msg: Message, io: ChannelIO) {
    let c = msg.content
    guard let code = c["code"]?.stringValue else {
      return sendReply(
        msg,
        Self.errorContent(KernelError(ename: "BadRequest", evalue: "execute_request without code")),
        io)
    }
    if isAborting {
      // The protocol's answer for a request not run because an earlier one failed
      // (as ipykernel sends it): status "aborted", no error fields, no execution.
      return sendReply(msg, ["status": "aborted", "execution_count": .int(executionCount)], io, metadata: ["status": "aborted"])
    }
    let silent = c["silent"]?.boolValue ?? false
    let store = !silent && (c["store_history"]?.boolValue ?? true)
    let count = store ? executionCount + 1 : executionCount
    if store { executionCount = count }
    let cell = CellIO(
      session: session, request: msg, io: io, topicPrefix: topicPrefix, silent: silent,
      allowStdin: c["allow_stdin"]?.boolValue ?? false, replayGuard: replayGuard,
      interrupted: { [interpreter] in interpreter.interruptPending })
    cell.publish("execute_input", ["code": .string(code), "execution_count": .int(count)])
    let request = ExecuteRequest(
      code: code, silent: silent, allowStdin: c["allow_stdin"]?.boolValue ?? false,
      executionCount: count)
    var content: JSONObject
    var output: String?
    do {
      let outcome = try interpreter.execute(request, io: cell)
      if let result = outcome.result {
        cell.publish(
          "execute_result",
          [
            "execution_count": .int(count), "data": .object(result.data),
            "metadata": .object(result.metadata),
          ],
          withNext: true)
        output = result.data["text/plain"]?.stringValue
      }
      content = [
        "status": "ok", "execution_count": .int(count), "payload": .array(outcome.payload),
        "user_expressions": .object(userExpressions(c["user_expressions"]?.objectValue ?? [:])),
      ]
    } catch {
      let e = Self.asKernelError(error)
      cell.publish("error", e.content)
      content = Self.errorContent(e)
      content["execution_count"] = .int(count)
      if c["stop_on_error"]?.boolValue ?? true, !isAborting, let take = io.takeQueued {
        queuedBehindError = take()
      }
    }
    if store, let history {
      do { try history.append(line: count, input: code, output: output) } catch {
        Log.warning("history not saved: \(error.evalue)")
      }
    }
    sendReply(msg, content, io)
  }

  func userExpressions(_ expressions: JSONObject) -> JSONObject {
    var out = JSONObject()
    for (name, value) in expressions {
      guard let text = value.stringValue else { continue }
      do {
        let r = try interpreter.evaluate(text)
        out[name] = .object([
          "status": "ok", "data": .object(r.data), "metadata": .object(r.metadata),
        ])
      } catch {
        out[name] = .object(Self.errorContent(error))
      }
    }
    return out
  }

  static func cursor(_ c: JSONObject, _ code: String) -> Int {
    c["cursor_pos"]?.intValue ?? code.unicodeScalars.count
  }

  func complete(_ msg: Message) throws -> JSONObject {
    let code = msg.content["code"]?.stringValue ?? ""
    let r = try interpreter.complete(code, cursor: Self.cursor(msg.content, code))
    return [
      "status": "ok", "matches": .array(r.matches.map { .string($0) }),
      "cursor_start": .int(r.cursorStart), "cursor_end": .int(r.cursorEnd),
      "metadata": .object([:]),
    ]
  }

  func inspect(_ msg: Message) throws -> JSONObject {
    let code = msg.content["code"]?.stringValue ?? ""
    let detail = msg.content["detail_level"]?.intValue ?? 0
    let r = try interpreter.inspect(
      code, cursor: Self.cursor(msg.content, code), detailLevel: detail)
    return [
      "status": "ok", "found": .bool(r != nil), "data": .object(r?.data ?? [:]),
      "metadata": .object(r?.metadata ?? [:]),
    ]
  }

  func isComplete(_ msg: Message) -> JSONObject {
    switch interpreter.isComplete(msg.content["code"]?.stringValue ?? "") {
    case .complete: ["status": "complete"]
    case .invalid: ["status": "invalid"]
    case .unknown: ["status": "unknown"]
    case .incomplete(let indent): ["status": "incomplete", "indent": .string(indent)]
    }
  }

  func historyContent(_ msg: Message) throws -> JSONObject {
    let c = msg.content
    guard let history else { return ["status": "ok", "history": .array([])] }
    let entries: [HistoryEntry]
    switch c["hist_access_type"]?.stringValue ?? "tail" {
    case "tail":
      entries = try history.tail(c["n"]?.intValue ?? 10)
    case "range":
      entries = try history.range(
        session: c["session"]?.intValue ?? 0, start: c["start"]?.intValue ?? 1,
        stop: c["stop"]?.intValue)
    case "search":
      entries = try history.search(
        pattern: c["pattern"]?.stringValue ?? "*", n: c["n"]?.intValue,
        unique: c["unique"]?.boolValue ?? false)
    case let other:
      throw KernelError(ename: "ValueError", evalue: "unknown hist_access_type '\(other)'")
    }
    let withOutput = c["output"]?.boolValue ?? false
    let rows: [JSON] = entries.map { e in
      let third: JSON =
        withOutput
        ? .array([.string(e.input), e.output.map { .string($0) } ?? .null]) : .string(e.input)
      return .array([.int(e.session), .int(e.line), third])
    }
    return ["status": "ok", "history": .array(rows)]
  }
}
