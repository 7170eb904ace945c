/// Engine objects as script types: collections, tables, help text. Built on `VCDScript`'s host API
/// and on `Provisioning`. (Issue 5 fills this target in.)
@_exported import VCDScript
import Provisioning
