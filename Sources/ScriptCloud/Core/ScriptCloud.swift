/// Engine objects as script types: collections, tables, help text. Built on `VCDScript`'s host API
/// and on `Provisioning`. `ScriptCloud.install` predeclares `cloud` and `connect`.
@_exported import VCDScript
@_exported import Provisioning
