import Foundation
import JSON

@testable import ModelIO

/// Runs `python -c script arguments…` (a reference runtime's interpreter) and parses its
/// stdout as JSON; a failure names `what` and shows the end of the script's stderr.
func runPythonJSON(_ python: String, _ script: String, _ arguments: [String] = [], what: String) throws -> JSON {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: python)
  p.arguments = ["-c", script] + arguments
  let (out, err) = (Pipe(), Pipe())
  (p.standardOutput, p.standardError) = (out, err)
  try p.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  let errors = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  do {
    return try JSON.parse([UInt8](data))
  } catch {
    throw ModelLoadError(
      "\(what) script failed (status \(p.terminationStatus)): " + String(decoding: errors.suffix(600), as: UTF8.self))
  }
}
