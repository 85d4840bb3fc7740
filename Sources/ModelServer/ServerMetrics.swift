import Foundation
import Prometheus

/// The server's Prometheus metrics: requests by model and status, request latency, batch
/// sizes, queue depth and model load time, emitted in the text exposition format.
public final class ServerMetrics: Sendable {
  private let registry = PrometheusCollectorRegistry()
  /// Latency buckets from 1 ms to 10 s.
  private static let latencyBuckets: [Duration] = [
    .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
    .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1),
    .seconds(2), .seconds(5), .seconds(10),
  ]

  /// Makes an empty registry.
  public init() {}

  /// Counts one answered request and records its latency (model "" for none or unknown).
  public func request(model: String, endpoint: String, status: Int, duration: Duration) {
    registry.makeCounter(
      descriptor: Self.name("requests", "total", "Requests answered, by model, endpoint and status."),
      labels: [("model", model), ("endpoint", endpoint), ("status", String(status))]
    ).increment()
    registry.makeDurationHistogram(
      descriptor: Self.name("request_duration", "seconds", "Time from a full request to its answer."),
      labels: [("model", model)], buckets: Self.latencyBuckets
    ).record(duration)
  }

  /// Records one batch run: its size and how long the network took.
  public func batch(model: String, size: Int, duration: Duration) {
    registry.makeValueHistogram(
      descriptor: Self.name("batch_size", "items", "Items per network run (dynamic batching)."),
      labels: [("model", model)], buckets: [1, 2, 4, 8, 16, 32, 64]
    ).record(Double(size))
    registry.makeDurationHistogram(
      descriptor: Self.name("batch_duration", "seconds", "Time of one network run."),
      labels: [("model", model)], buckets: Self.latencyBuckets
    ).record(duration)
  }

  /// Records a model's load time.
  public func loaded(model: String, seconds: Double) {
    registry.makeGauge(
      descriptor: Self.name("model_load", "seconds", "Time spent loading the model."),
      labels: [("model", model)]
    ).set(seconds)
  }

  /// The text exposition, with the queue depths read now.
  public func exposition(queueDepths: [(model: String, depth: Int)]) -> [UInt8] {
    for (model, depth) in queueDepths {
      registry.makeGauge(
        descriptor: Self.name("queue_depth", "items", "Inputs waiting for a batch."),
        labels: [("model", model)]
      ).set(Double(depth))
    }
    return registry.emitToBuffer()
  }

  private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(namespace: "tabby", metricName: metric, unitName: unit, helpText: help)
  }
}
