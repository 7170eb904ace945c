/// The provisioning engine: resource kinds with get / find / list / ensure / delete, the mutation
/// gate for apply and plan, waits and locks. Built on `CloudClient`; never imports `CloudSim`.
/// (Issue 5 fills this target in; until then it only re-exports the client layer.)
@_exported import CloudClient
