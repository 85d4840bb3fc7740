import Datasets
import Dispatch
import Tensor

func countCorrect(_ logits: Tensor, _ labels: [Int32]) -> Int {
  let classes = logits.shape[1]
  return logits.withUnsafeBufferPointer { p in
    labels.enumerated().reduce(0) { acc, item in
      acc + (argmax(p.baseAddress! + item.offset * classes, classes) == Int(item.element) ? 1 : 0)
    }
  }
}

@inline(__always)
func argmax(_ p: UnsafePointer<Float>, _ n: Int) -> Int {
  var best = 0
  for j in 1..<max(n, 1) where p[j] > p[best] { best = j }
  return best
}

/// Accuracy, per-class accuracy and the confusion matrix of a classifier on a data set.
public struct Evaluation: Sendable {
  /// Fraction classified correctly.
  public var accuracy: Double
  /// Per true class: fraction of its images classified correctly (0 where a class is absent).
  public var perClassAccuracy: [Double]
  /// confusion[true][predicted] counts.
  public var confusion: [[Int]]
}

/// Evaluates in inference mode (no graph, running statistics) in batches, spread over
/// `threads` threads of our own (BLAS single-threaded meanwhile).
public func evaluate(
  _ model: Sequential, on data: LabeledImages, batchSize: Int = 100, threads: Int? = nil
) throws -> Evaluation {
  let wasTraining = model.isTraining
  model.isTraining = false
  defer { model.isTraining = wasTraining }
  let k = data.classCount
  let batches = data.batches(size: batchSize)
  let blasThreads = Threads.current
  let parts = max(1, min(threads ?? blasThreads, batches.count))
  if parts > 1 { Threads.set(1) }
  defer { if parts > 1 { Threads.set(blasThreads) } }
  let results = EvaluationParts(count: parts)
  let work = UncheckedBox(model)
  @Sendable func run(_ part: Int) {
    do {
      var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
      // GradMode is task-local: worker threads must switch recording off themselves.
      try withoutGradient {
        for b in stride(from: part, to: batches.count, by: parts) {
          let (images, labels) = data.batch(batches[b])
          let logits = try work.value(Variable(images)).value
          let classes = logits.shape[1]
          logits.withUnsafeBufferPointer { p in
            for (i, l) in labels.enumerated() {
              confusion[Int(l)][min(argmax(p.baseAddress! + i * classes, classes), k - 1)] += 1
            }
          }
        }
      }
      results.set(part, .success(confusion))
    } catch {
      results.set(part, .failure(error))
    }
  }
  if parts == 1 {
    run(0)
  } else {
    DispatchQueue.concurrentPerform(iterations: parts) { run($0) }
  }
  var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
  for part in 0..<parts {
    let c = try results.get(part).get()
    for i in 0..<k { for j in 0..<k { confusion[i][j] += c[i][j] } }
  }
  return Evaluation(confusion: confusion, count: data.count)
}

/// One confusion matrix per evaluation thread.
final class EvaluationParts: @unchecked Sendable {
  private var slots: [Result<[[Int]], any Error>?]
  private let lock = Lock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ r: Result<[[Int]], any Error>) { lock.withLock { slots[i] = r } }
  func get(_ i: Int) -> Result<[[Int]], any Error> {
    lock.withLock { slots[i] } ?? .failure(TensorError("evaluate: a thread produced no result"))
  }
}
