/// Engine objects as script types: collections, tables, help text. Built on `VCDScript`'s host API
/// and on `Provisioning`. `ScriptCloud.install` predeclares `cloud` and `connect`.
// Each file imports what it uses (VCDScript, Provisioning, CloudClient, CloudWire): nothing is
// re-exported, so a dependency shows where it is used.
