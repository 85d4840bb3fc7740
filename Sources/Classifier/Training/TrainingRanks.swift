import Distributed
import NN

/// This process's place in a data-parallel job that `mpirun` started (`tabby train` under
/// mpirun, docs/scaling.md). Open MPI is dlopen'ed only in `joinIfLaunched`, and only when
/// mpirun's environment says this process is one of several ranks: a kernel never maps it.
public final class TrainingRanks {
  let communicator: MPICommunicator

  init(_ communicator: MPICommunicator) { self.communicator = communicator }

  /// This process's rank (0 prints and saves) and the job's size.
  public var rank: Int { communicator.rank }
  public var size: Int { communicator.size }
  /// Seconds spent so far averaging gradients across ranks.
  public var allReduceSeconds: Double { communicator.allReduceSeconds }

  /// Joins the job when mpirun launched this process with more than one rank; nil otherwise.
  public static func joinIfLaunched() throws -> TrainingRanks? {
    try MPICommunicator.joinIfLaunched().map(TrainingRanks.init)
  }

  /// Every rank's parameter checksum, gathered on rank 0 (empty on the others): equal
  /// checksums show the ranks ended with identical weights.
  public func checksums(of model: TrainableModel) throws -> [UInt64] {
    try communicator.gatherToRoot(parameterChecksum(model.network))
  }

  /// Ends the whole job after an error on this rank, so no other rank waits forever in a
  /// collective this one will never join.
  public func abort() -> Never { communicator.abort() }

  /// Leaves the job cleanly.
  public func finalize() { communicator.finalize() }
}

extension TrainableModel {
  /// A checksum of the parameters (`tabby train --json` reports it per rank).
  public var parameterChecksum: UInt64 { NN.parameterChecksum(network) }
}
