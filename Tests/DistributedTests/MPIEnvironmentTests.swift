import Testing

@testable import Distributed

@Test(
  arguments: [
    ([:], nil),
    (["OMPI_COMM_WORLD_SIZE": "1", "OMPI_COMM_WORLD_RANK": "0"], nil),
    (["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3"], MPIEnvironment(rank: 3, size: 4)),
    (["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "4"], nil),
    (["OMPI_COMM_WORLD_SIZE": "two", "OMPI_COMM_WORLD_RANK": "0"], nil),
    (["OMPI_COMM_WORLD_SIZE": "2"], nil),
  ] as [([String: String], MPIEnvironment?)])
func detectsAJobOnlyFromOpenMPIsVariables(_ env: [String: String], _ expected: MPIEnvironment?) {
  #expect(MPIEnvironment.detect(env) == expected)
}
