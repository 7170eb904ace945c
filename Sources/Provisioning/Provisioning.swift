/// The provisioning engine: resource kinds with get / find / list / ensure / delete, the mutation
/// gate for apply and plan, waits and locks. Built on `CloudClient`; never imports `CloudSim`.
// Each file imports what it uses (CloudClient, CloudWire): nothing is re-exported, so a
// dependency shows where it is used.
