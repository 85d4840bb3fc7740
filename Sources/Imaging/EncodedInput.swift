extension Preprocessing {
  /// The model input for encoded JPEG or PNG bytes: `self(Image.decode(bytes:maxPixels:))`,
  /// bit for bit, and the same error for a file that does not decode. A JPEG stored upright
  /// whose recipe starts with a bilinear resize and a centre crop is decoded only where the
  /// kept pixels read: the other rows only entropy-decoded, the other columns never
  /// transformed (for `tabby serve`, where decoding a photo is the largest part of a request
  /// after the network). The decoded image is not kept.
  public func callAsFunction(encoded bytes: [UInt8], maxPixels: Int = Image.defaultMaxPixels)
    throws(ImageError) -> ModelInput
  {
    if let window = try croppedWindow(bytes, maxPixels: maxPixels) { return try stack([window]) }
    return try self(Image.decode(bytes: bytes, maxPixels: maxPixels))
  }

  /// The transformed image from a window of the JPEG, or nil where the recipe or the file
  /// does not fit that path (the whole decode then runs, with its own errors).
  func croppedWindow(_ bytes: [UInt8], maxPixels: Int) throws(ImageError) -> Image? {
    guard steps.count >= 2, case .centerCrop(let cropWidth, let cropHeight) = steps[1],
      let header = try Image.jpegHeader(bytes, maxPixels: maxPixels), header.orientation == 1,
      let (newWidth, newHeight, interpolation) = Self.resizeTarget(
        of: steps[0], width: header.width, height: header.height),
      interpolation == .bilinear, newWidth != header.width, newHeight != header.height,
      (1...(1 << 20)).contains(newWidth), (1...(1 << 20)).contains(newHeight),
      (1...newWidth).contains(cropWidth), (1...newHeight).contains(cropHeight)
    else { return nil }
    let (x, y) = ((newWidth - cropWidth) / 2, (newHeight - cropHeight) / 2)
    let region = Image.bilinearSourceRegion(
      wholeWidth: header.width, wholeHeight: header.height, newWidth: newWidth, newHeight: newHeight,
      columns: x..<(x + cropWidth), rows: y..<(y + cropHeight))
    let decoded = try Image.decodeJPEG(bytes, columns: region.columns, rows: region.rows, maxPixels: maxPixels)
    let window = colorMode == .gray ? decoded.grayscale() : decoded
    let kept = window.bilinearResized(
      window: .init(x: region.columns.lowerBound, y: region.rows.lowerBound, wholeWidth: header.width,
                    wholeHeight: header.height),
      width: newWidth, height: newHeight, croppedTo: x, y, cropWidth, cropHeight)
    return try applySteps(kept, from: 2)
  }
}
