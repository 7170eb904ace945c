/// The provisioning engine: resource kinds with get / find / list / ensure / delete, the mutation
/// gate for apply and plan, waits and locks. Built on `CloudClient`; never imports `CloudSim`.
@_exported import CloudClient
@_exported import CloudWire
