import Foundation
import ModelIO
import NN

extension TrainableModel {
  /// Reads an MXNet checkpoint of a feed-forward net (`PREFIX-symbol.json`,
  /// `PREFIX-NNNN.params[.gz]`) as a trainable model; nil when the symbol uses operators
  /// beyond Convolution/FullyConnected/Activation/Pooling/Flatten (load it as a pretrained
  /// classifier then). Class names come from `labels`, else `PREFIX-synset.txt`, else 0…9.
  public static func read(prefix: String, epoch: Int, labels: String? = nil) throws(ClassifierError)
    -> TrainableModel?
  {
    let symbolPath = MXNetCheckpoint.symbolPath(prefix: prefix)
    var paramsPath = MXNetCheckpoint.paramsPath(prefix: prefix, epoch: epoch)
    if !isRegularFile(paramsPath), isRegularFile(paramsPath + ".gz") { paramsPath += ".gz" }
    guard let symbol = FileManager.default.contents(atPath: symbolPath) else {
      throw ClassifierError(.modelNotFound, "cannot read \(symbolPath)")
    }
    let built: (network: Sequential, inputShape: [Int])?
    do {
      built = try MXNetTrainable.sequential(
        symbol: Array(symbol), params: try MXNetParams.read(path: paramsPath),
        name: (prefix as NSString).lastPathComponent, paramsFile: paramsPath)
    } catch {
      throw ClassifierError(.badModel, error.description)
    }
    guard let built else { return nil }
    var classNames = digitNames
    let sidecar = prefix + "-synset.txt"
    if let file = labels ?? (isRegularFile(sidecar) ? sidecar : nil) {
      do { classNames = try Labels.load(file: file).names } catch let e as ClassifierError {
        throw e
      } catch {
        throw ClassifierError(.badLabels, "\(file): \(error)")
      }
    }
    return TrainableModel(
      network: built.network, inputShape: built.inputShape, classNames: classNames,
      source: "\(prefix) epoch \(epoch)")
  }

  /// Writes `PREFIX-symbol.json`, `PREFIX-NNNN.params` (ModelIO's exporter, the files
  /// `tabby train --save` writes) and `PREFIX-synset.txt`; returns the two checkpoint paths.
  @discardableResult
  public func save(prefix: String, epoch: Int) throws(ClassifierError) -> (
    symbol: String, params: String
  ) {
    do { try MXNetExport.save(network, prefix: prefix, epoch: epoch) } catch {
      throw ClassifierError(.invalidArgument, "cannot save \(prefix): \(error.description)")
    }
    try? (classNames.joined(separator: "\n") + "\n").write(
      toFile: prefix + "-synset.txt", atomically: true, encoding: .utf8)
    return (
      MXNetCheckpoint.symbolPath(prefix: prefix),
      MXNetCheckpoint.paramsPath(prefix: prefix, epoch: epoch)
    )
  }
}

extension ModelLocation {
  /// `PREFIX-NNNN.params`: MXNet's four-digit epoch, formatted in one place (ModelIO).
  public static func mxnetParamsPath(prefix: String, epoch: Int) -> String {
    MXNetCheckpoint.paramsPath(prefix: prefix, epoch: epoch)
  }
}
