import Classifier
import JSON

// The MXNet Model Server / TorchServe inference API: `/predictions/{model}`, the seed's
// legacy `/{model}/predict`, and `/models` descriptions.
extension ServerCore {
  /// `POST /predictions/{model}`: one image as the raw body or a multipart field →
  /// `[{"class", "probability"}, …]`.
  func predictions(_ name: String, _ request: ServerRequest) async throws -> ServerResponse {
    let model = try model(name)
    let k = try topK(request, model)
    let images = try encodedImages(request, field: nil)
    let input = try model.prepare(encoded: images[0].bytes, name: images[0].name)
    let raw = try await model.infer([input])
    return .json(try mmsList(model, raw[0], k: k))
  }

  /// `POST /{model}/predict` with multipart field `data` (the seed's MMS 0.x API) →
  /// `{"prediction": [[{"class", "probability"}, …]]}`, one list per image.
  func legacyPredict(_ name: String, _ request: ServerRequest) async throws -> ServerResponse {
    let model = try model(name)
    let k = try topK(request, model)
    let images = try encodedImages(request, field: "data")
    let inputs = try images.map { try model.prepare(encoded: $0.bytes, name: $0.name) }
    let raw = try await model.infer(inputs)
    return .json(["prediction": .array(try raw.map { try mmsList(model, $0, k: k) })])
  }

  /// `GET /models`: every model with its state.
  func listModels() -> ServerResponse {
    let list: [JSON] = models.listing.map { entry in
      ["modelName": .string(entry.name), "modelUrl": .string(entry.source),
       "status": entry.model == nil ? "LOADING" : "READY"]
    }
    return .json(["models": .array(list)])
  }

  /// `GET /models/{model}`: name, source, input, classes, state.
  func describeModel(_ name: String) throws(ServeError) -> ServerResponse {
    guard let entry = models.listing.first(where: { $0.name == name }) else {
      throw ServeError(404, "model '\(name)' is not served here")
    }
    var object: JSONObject = [
      "modelName": .string(name), "modelUrl": .string(entry.source),
      "status": entry.model == nil ? "LOADING" : "READY",
    ]
    if let d = entry.model?.description {
      object["input"] = [
        "name": .string(d.input.name), "datatype": .string(d.inputDatatype),
        "shape": .array(d.inputShape.map(JSON.int)), "layout": .string(d.input.layout.rawValue),
      ]
      object["outputs"] = .int(d.outputCount)
      object["classes"] = .int(d.labels?.count ?? d.outputCount)
      object["labels"] = .string(d.labelsSource)
      object["profile"] = .string(d.profile)
      object["loadSeconds"] = .number(d.loadSeconds)
      object["maxBatch"] = .int(entry.model?.batcher.maxBatch ?? 1)
    }
    return .json(.array([.object(object)]))
  }

  /// `?topk=N` (default 5), at most the model's class count.
  func topK(_ request: ServerRequest, _ model: ServedModel) throws(ServeError) -> Int {
    guard let text = request.query["topk"] else { return min(5, model.description.outputCount) }
    guard let k = Int(text), k >= 1 else { throw ServeError(400, "topk must be a positive integer, got '\(text)'") }
    return min(k, max(1, model.description.outputCount - model.description.labelOffset))
  }

  /// MMS's list: `{"class": "n02123045 tabby, tabby cat", "probability": 0.93}`.
  func mmsList(_ model: ServedModel, _ raw: [Float], k: Int) throws -> JSON {
    let top = try model.description.top(raw, k: k)
    return .array(
      top.map { score in
        ["class": .string(model.description.mmsClass(score)), "probability": .number(Double(score.probability))]
      })
  }

  /// The images in a request: each multipart part (only those named `field` when given),
  /// else the raw body.
  func encodedImages(_ request: ServerRequest, field: String?) throws(ServeError) -> [(name: String, bytes: [UInt8])] {
    if let type = request.headers["content-type"], type.lowercased().hasPrefix("multipart/") {
      guard let boundary = Multipart.boundary(contentType: type) else {
        throw ServeError(400, "multipart request without a boundary in Content-Type")
      }
      let parts = try Multipart.parse(request.body, boundary: boundary)
      let chosen = parts.filter { field == nil || $0.name == field }
      guard !chosen.isEmpty else {
        throw ServeError(400, field.map { "the multipart body has no field '\($0)'" } ?? "the multipart body has no parts")
      }
      return chosen.map { (($0.filename ?? $0.name).isEmpty ? "the image" : "'\($0.filename ?? $0.name)'", $0.body) }
    }
    guard field == nil else {
      throw ServeError(400, "send the image as multipart/form-data field '\(field!)' (curl -F \(field!)=@image.jpg)")
    }
    guard !request.body.isEmpty else { throw ServeError(400, "the request has no body (send the image bytes)") }
    return [("the request body", request.body)]
  }
}
