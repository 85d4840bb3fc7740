import CUDADriver
import Synchronization

/// Overlapped host → device copies on a real GPU (CUDADriver's `CopyStream`). Safe with the
/// allocation pool because a training step ends by reading its results back, so the
/// default stream is idle whenever the next batch's buffer is taken from the pool.
extension CUDADevice {
  public func beginCopy(to: DeviceAddress, from: UnsafeRawPointer, bytes: Int, slot: Int) throws(GPUError) {
    try current()
    let stream = try copyStream()
    try call { () throws(CUDALibraryError) in try stream.copy(to: to, from: from, bytes: bytes, slot: slot) }
  }

  public func awaitCopy(slot: Int) throws(GPUError) {
    try current()
    let stream = try copyStream()
    try call { () throws(CUDALibraryError) in try stream.makeDefaultStreamWait(slot: slot) }
  }

  private func copyStream() throws(GPUError) -> CopyStream {
    if let made = copies.withLock({ $0 }) { return made }
    let made: CopyStream
    do throws(CUDALibraryError) { made = try CopyStream(driver: driver) } catch { throw .call(error.description) }
    return copies.withLock { current in
      if let existing = current { return existing }
      current = made
      return made
    }
  }
}
