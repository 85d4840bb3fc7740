import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `mnist(...)`: an MNIST-format data set.
  static func mnistBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "mnist(path=None, limit=None, test_limit=None)",
      summary:
        "Loads MNIST-format data (Fashion-MNIST by default) and shows counts and sample images.",
      details:
        "path is a directory with the four IDX files (raw or .gz); limit keeps the first N training images."
    ) { a, ctx in
      let path = try a.string("path") ?? Dataset.defaultDirectory
      let dataset = try engine {
        try Dataset.load(
          directory: path, limit: try a.int("limit"), testLimit: try a.int("test_limit"))
      }
      let data = DatasetValue(dataset)
      state.lastDataset = data
      if let rich = data.richDisplay() { ctx.sink.display(rich, displayID: nil) }
      return .host(data)
    }
  }

  /// `image(path)`: a photo that shows itself.
  static func imageBuiltin() -> Builtin {
    Builtin("image(path)", summary: "Reads a photo (JPEG or PNG) and shows it.") { a, _ in
      .host(try ImageValue(path: try a.string("path", default: "")))
    }
  }
}

/// What `image(path)` returns: a decoded photo that shows itself.
final class ImageValue: HostObject {
  let photo: Photo

  init(path: String) throws { photo = try engine { try Photo(path: path) } }

  var path: String { photo.path }
  var typeName: String { "Image" }
  var repr: String { "Image(\(path): \(photo.width)×\(photo.height), \(photo.channels) channels)" }
  var attributeNames: [String] { ["path", "width", "height", "channels"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "path": .string(path)
    case "width": .int(photo.width)
    case "height": .int(photo.height)
    case "channels": .int(photo.channels)
    default: nil
    }
  }

  func richDisplay() -> MimeBundle? {
    guard let png = try? photo.thumbnailPNG(maxSide: 320) else { return nil }
    return MimeBundle(data: ["image/png": .string(Inline.base64(png)), "text/plain": .string(repr)])
  }
}
