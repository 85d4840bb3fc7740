import CCurl

#if canImport(Glibc)
  import Glibc
#endif

/// The libcurl entry points the downloader uses, found with dlopen/dlsym at the first
/// download rather than linked: an idle kernel then never maps libcurl and the TLS, LDAP,
/// SSH and Kerberos libraries it pulls in.
struct LibCurl: @unchecked Sendable {  // immutable C function pointers into a library never closed
  /// The soname Debian's libcurl4 ships (the OpenSSL build; the package the runtime installs).
  static let soname = "libcurl.so.4"

  let easyInit: @convention(c) () -> UnsafeMutableRawPointer?
  let easyCleanup: @convention(c) (UnsafeMutableRawPointer?) -> Void
  let easyPerform: @convention(c) (UnsafeMutableRawPointer?) -> CURLcode
  let easyStrerror: @convention(c) (CURLcode) -> UnsafePointer<CChar>?
  /// curl_easy_setopt and curl_easy_getinfo are variadic: called through CCurl's wrappers.
  let setopt: UnsafeMutableRawPointer
  let getinfo: UnsafeMutableRawPointer

  /// The process's libcurl, opened and globally initialised once; the error is kept too,
  /// so every download attempt gets the same clear message.
  static let standard = Result { try LibCurl(library: soname) }

  /// Opens `library` and looks up every symbol; a missing library or symbol is a
  /// `downloadFailed` error naming it and the package to install.
  init(library: String) throws {
    guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
      throw Self.unavailable(library, Self.dlerrorText())
    }
    func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
      guard let p = dlsym(handle, name) else {
        throw Self.unavailable(library, "it has no \(name): " + Self.dlerrorText())
      }
      return p
    }
    typealias GlobalInit = @convention(c) (Int) -> CURLcode
    let globalInit = unsafeBitCast(try symbol("curl_global_init"), to: GlobalInit.self)
    easyInit = unsafeBitCast(try symbol("curl_easy_init"), to: type(of: easyInit))
    easyCleanup = unsafeBitCast(try symbol("curl_easy_cleanup"), to: type(of: easyCleanup))
    easyPerform = unsafeBitCast(try symbol("curl_easy_perform"), to: type(of: easyPerform))
    easyStrerror = unsafeBitCast(try symbol("curl_easy_strerror"), to: type(of: easyStrerror))
    setopt = try symbol("curl_easy_setopt")
    getinfo = try symbol("curl_easy_getinfo")
    // Once per process, before any transfer (the caller keeps this value in a `static let`).
    let code = globalInit(Int(CURL_GLOBAL_DEFAULT))
    guard code == CURLE_OK else {
      throw Self.unavailable(library, "curl_global_init failed with code \(code.rawValue)")
    }
  }

  /// A library's text for a curl error code.
  func describe(_ code: CURLcode) -> String {
    easyStrerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
  }

  static func unavailable(_ library: String, _ why: String) -> ClassifierError {
    ClassifierError(
      .downloadFailed,
      "downloading needs libcurl (\(library)), which could not be loaded (\(why)); "
        + "install it (Debian: apt-get install libcurl4), or place the model file in the "
        + "cache by hand")
  }

  private static func dlerrorText() -> String {
    dlerror().map { String(cString: $0) } ?? "unknown error"
  }
}
