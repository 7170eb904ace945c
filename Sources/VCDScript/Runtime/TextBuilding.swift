/// A part of a compiled string interpolation: literal text, or code whose value is shown.
enum InterpolationPart {
    case text(String)
    case code(Code)
}

/// Building text without intermediate strings: the hot paths of interpolation and `join`.
enum TextBuilding {
    /// Appends the decimal digits of `n` (as `String(n)` writes them) to `out`, through a buffer
    /// on the stack rather than a new string and the generic integer printer.
    @inline(__always)
    static func appendDecimal(_ n: Int, to out: inout String) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
            var m = n.magnitude
            var i = 24
            repeat {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: m % 10) &+ 48 // "0"
                m /= 10
            } while m != 0
            if n < 0 {
                i -= 1
                buf[i] = 45 // "-"
            }
            out += String(decoding: UnsafeBufferPointer(start: buf.baseAddress! + i, count: 24 - i), as: UTF8.self)
        }
    }

    /// The items as `str()` shows them, with `separator` between them, built in one string whose
    /// size is reserved first (strings are measured; other values are formatted as they come).
    /// The work is charged to the step limit as `str()` charges it.
    static func joined(_ items: [Value], separator: String, vm: Meter) throws -> String {
        var size = separator.utf8.count * max(0, items.count - 1)
        for x in items { if case .string(let t) = x { size += t.utf8.count } }
        var out = ""
        out.reserveCapacity(size)
        var first = true
        for x in items {
            if first { first = false } else { out += separator }
            if case .string(let t) = x { out += t } else { out += try Formatter.str(x, vm: vm) }
        }
        return out
    }
}
