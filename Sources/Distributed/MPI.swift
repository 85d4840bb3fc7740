import NN

#if canImport(Glibc)
  import Glibc
#endif

/// Why MPI could not be used, with what to install or check.
public struct DistributedError: Error, CustomStringConvertible, Sendable {
  /// The message shown to the user.
  public var description: String
  /// Creates an error with its message.
  public init(_ description: String) { self.description = description }
}

/// The process's place in an Open MPI job, read from the variables `mpirun` sets for every
/// rank; nil outside mpirun (or in a one-rank job), in which case nothing is loaded.
public struct MPIEnvironment: Equatable, Sendable {
  /// This process's rank and the job's size.
  public var rank: Int, size: Int

  /// Reads OMPI_COMM_WORLD_RANK / OMPI_COMM_WORLD_SIZE from `environment`.
  public static func detect(_ environment: [String: String]) -> MPIEnvironment? {
    guard let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap({ Int($0) }), size > 1,
      let rank = environment["OMPI_COMM_WORLD_RANK"].flatMap({ Int($0) }), (0..<size).contains(rank)
    else { return nil }
    return MPIEnvironment(rank: rank, size: size)
  }
}

/// Open MPI's C library, opened with dlopen at the first distributed run so that a kernel or
/// a single-process `tabby train` never maps it. Open MPI's handles (MPI_COMM_WORLD,
/// MPI_FLOAT, MPI_SUM, ...) are the addresses of global objects, so dlsym yields them too.
final class LibMPI: @unchecked Sendable {
  typealias Handle = UnsafeMutableRawPointer
  let initialize:
    @convention(c) (
      UnsafeMutablePointer<Int32>?,
      UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
    ) -> Int32
  let commRank: @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
  let commSize: @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
  let allreduce:
    @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle) ->
      Int32
  let gather:
    @convention(c) (
      UnsafeRawPointer?, Int32, Handle, UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle
    ) -> Int32
  let finalize: @convention(c) () -> Int32
  let abort: @convention(c) (Handle, Int32) -> Int32
  let commWorld: Handle, float: Handle, byte: Handle, sum: Handle

  /// The soname of Open MPI 4.x's library (Debian 12: package libopenmpi3).
  static let soname = "libmpi.so.40"

  init() throws {
    // RTLD_GLOBAL: Open MPI's plugins, opened by libmpi itself, resolve symbols against it.
    guard let lib = dlopen(Self.soname, RTLD_NOW | RTLD_GLOBAL) else {
      let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
      throw DistributedError(
        "cannot load Open MPI's \(Self.soname) (\(reason)): install the Debian package libopenmpi3 (it comes with openmpi-bin)"
      )
    }
    func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
      guard let p = dlsym(lib, name) else {
        throw DistributedError("\(Self.soname) has no symbol \(name): Open MPI 4.x is required")
      }
      return p
    }
    initialize = unsafeBitCast(try symbol("MPI_Init"), to: type(of: initialize))
    commRank = unsafeBitCast(try symbol("MPI_Comm_rank"), to: type(of: commRank))
    commSize = unsafeBitCast(try symbol("MPI_Comm_size"), to: type(of: commSize))
    allreduce = unsafeBitCast(try symbol("MPI_Allreduce"), to: type(of: allreduce))
    gather = unsafeBitCast(try symbol("MPI_Gather"), to: type(of: gather))
    finalize = unsafeBitCast(try symbol("MPI_Finalize"), to: type(of: finalize))
    abort = unsafeBitCast(try symbol("MPI_Abort"), to: type(of: abort))
    commWorld = try symbol("ompi_mpi_comm_world")
    float = try symbol("ompi_mpi_float")
    byte = try symbol("ompi_mpi_byte")
    sum = try symbol("ompi_mpi_op_sum")
  }

  /// Throws with the call's name when an MPI call reports failure (MPI_SUCCESS is 0).
  func check(_ code: Int32, _ call: String) throws {
    if code != 0 { throw DistributedError("\(call) failed with MPI error \(code)") }
  }
}

/// MPI_COMM_WORLD as a `Communicator` for `train(dataParallel:)`: gradients are summed with
/// MPI_Allreduce in place; the time spent inside it is kept for the run's report.
public final class MPICommunicator: Communicator {
  /// This process's rank and the world's size.
  public let rank: Int, size: Int
  /// Seconds spent in allreduce calls since the last `resetTimer()`.
  public private(set) var allReduceSeconds = 0.0
  private let mpi: LibMPI
  private var finalized = false

  /// Loads Open MPI and joins the job `mpirun` started; the rank and size must agree with
  /// what the environment said (a mismatch means a foreign launcher or library).
  public init(expecting env: MPIEnvironment) throws {
    mpi = try LibMPI()
    try mpi.check(mpi.initialize(nil, nil), "MPI_Init")
    var r: Int32 = 0
    var s: Int32 = 0
    try mpi.check(mpi.commRank(mpi.commWorld, &r), "MPI_Comm_rank")
    try mpi.check(mpi.commSize(mpi.commWorld, &s), "MPI_Comm_size")
    (rank, size) = (Int(r), Int(s))
    guard rank == env.rank, size == env.size else {
      throw DistributedError(
        "MPI reports rank \(rank) of \(size) but the environment says \(env.rank) of \(env.size)")
    }
  }

  public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
    let start = monotonicSeconds()
    defer { allReduceSeconds += monotonicSeconds() - start }
    // MPI counts are Int32: chunk larger buffers (one call for any model up to 8 GiB).
    let inPlace = UnsafeRawPointer(bitPattern: 1)  // Open MPI's MPI_IN_PLACE
    var offset = 0
    while offset < buffer.count {
      let n = min(buffer.count - offset, Int(Int32.max))
      try mpi.check(
        mpi.allreduce(
          inPlace, buffer.baseAddress! + offset, Int32(n), mpi.float, mpi.sum, mpi.commWorld),
        "MPI_Allreduce")
      offset += n
    }
  }

  /// Zeroes the allreduce timer (after the initial broadcast, which is not a training step).
  public func resetTimer() { allReduceSeconds = 0 }

  /// The agreement and broadcast before the first step wait for every rank to start (seconds
  /// under oversubscription); the report's allreduce share counts the steps only.
  public func trainingBegins() { resetTimer() }

  /// Every rank's value gathered on rank 0 in rank order (other ranks get an empty array).
  public func gatherToRoot(_ value: UInt64) throws -> [UInt64] {
    var mine = value
    var all = [UInt64](repeating: 0, count: rank == 0 ? size : 0)
    try all.withUnsafeMutableBytes { out in
      try mpi.check(
        mpi.gather(&mine, 8, mpi.byte, out.baseAddress, 8, mpi.byte, 0, mpi.commWorld), "MPI_Gather"
      )
    }
    return all
  }

  /// Ends the job on every rank (after an error on this one), so no rank waits forever in a
  /// collective this rank will never join.
  public func abort(code: Int32 = 1) -> Never {
    _ = mpi.abort(mpi.commWorld, code)
    exit(code)
  }

  /// MPI_Finalize, once; every rank must call it before exiting normally.
  public func finalize() {
    guard !finalized else { return }
    finalized = true
    _ = mpi.finalize()
  }
}

extension MPIEnvironment {
  /// The job this process belongs to, from its own environment.
  public static var current: MPIEnvironment? {
    var env: [String: String] = [:]
    for name in ["OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"] {
      if let v = getenv(name) { env[name] = String(cString: v) }
    }
    return detect(env)
  }
}

extension MPICommunicator {
  /// Joins the MPI job when this process was started by `mpirun` with more than one rank;
  /// nil otherwise, without touching Open MPI.
  public static func joinIfLaunched() throws -> MPICommunicator? {
    guard let env = MPIEnvironment.current else { return nil }
    return try MPICommunicator(expecting: env)
  }
}
