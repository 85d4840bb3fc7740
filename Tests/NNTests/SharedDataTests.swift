import TestSupport
import Testing

/// Where `TABBY_REQUIRE_SHARED=1` (CI), the reference data and the MXNet venv must be there:
/// the tests marked `.needsShared` / `.needsMXNet` then run instead of skipping, and this
/// test names what is missing.
@Test func sharedDataIsPresentWhereRequired() {
  guard SharedData.isRequired else { return }
  #expect(SharedData.isPresent, "TABBY_REQUIRE_SHARED=1 but \(SharedData.root) has no reference data")
  #expect(SharedData.hasMXNet, "TABBY_REQUIRE_SHARED=1 but \(SharedData.mxnetPython) is missing")
}
