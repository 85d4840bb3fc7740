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
        "path is a directory with the four IDX files (raw or .gz); limit keeps the first N training images. A missing file is a FileNotFoundError, a truncated or malformed one a DataError (a ValueError) naming the file and what is short."
    ) { a, ctx in
      let path = try a.string("path") ?? Dataset.defaultDirectory
      let (limit, testLimit) = (try a.int("limit"), try a.int("test_limit"))
      // limit=0 used to give one image silently; an empty split is never what was meant.
      for (name, value) in [("limit", limit), ("test_limit", testLimit)] {
        if let value, value < 1 {
          throw CellError.valueError("mnist() \(name) must be at least 1 (or None for all), got \(value)")
        }
      }
      let dataset = try engine {
        try Dataset.load(directory: path, limit: limit, testLimit: testLimit)
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
