/// A part of a compiled string interpolation: literal text, or code whose value is shown.
enum InterpolationPart {
    case literal(LiteralText)
    case code(Code)

    /// Literal text, kept as its bytes.
    static func text(_ s: String) -> InterpolationPart { .literal(LiteralText(s)) }
}

/// The UTF-8 bytes of a literal part of an interpolation, copied out of the string once, when
/// the interpolation is compiled: each run copies them without asking the string for its storage.
final class LiteralText {
    let bytes: UnsafeMutableBufferPointer<UInt8>

    init(_ s: String) {
        bytes = .allocate(capacity: s.utf8.count)
        _ = bytes.initialize(from: s.utf8)
    }

    deinit { bytes.deallocate() }
}

/// Building text without intermediate strings: the hot paths of interpolation, `join` and
/// `len`. Text is written as UTF-8 bytes into one buffer and made into a `String` once, because
/// each `String +=` re-checks the storage of both sides and grows the result step by step.
enum TextBuilding {
    /// `"...${x}..."`: each part written into one buffer (strings as their bytes, integers as
    /// digits, anything else as `str()` shows it), then one string made of it. The buffer is 256
    /// bytes on the stack (enough for the names, addresses and lines scripts usually build), then
    /// the heap. Long text built is charged to the step limit.
    static func interpolate(_ parts: [InterpolationPart], in f: Frame, at range: SourceRange) throws -> Value {
        // A buffer on the stack (a SIMD value, so that no generic allocation wrapper is involved).
        var stack = SIMD32<UInt64>()
        let text = try withUnsafeMutableBytes(of: &stack) { raw -> String in
            var out = UTF8Buffer(raw.bindMemory(to: UInt8.self))
            defer { out.release() }
            for p in parts {
                switch p {
                case .literal(let t): out.append(UnsafeBufferPointer(t.bytes))
                case .code(let c):
                    switch try c.run(f) {
                    case .string(let t): out.append(t)
                    case .int(let i): out.appendDecimal(i)
                    case let v: out.append(try Compiler.interpolated(v, vm: f.meter, at: range))
                    }
                }
            }
            return out.makeString()
        }
        let cost = Cost.bytes(text.utf8.count)
        if cost > 0 { try Ops.charge(f.meter, cost, at: range) }
        return .string(text)
    }

    /// The items as `str()` shows them, with `separator` between them, copied into one string of
    /// the exact size (values that are not strings are formatted first, in order). The work is
    /// charged to the step limit as `str()` charges it.
    static func joined(_ items: [Value], separator: String, vm: Meter) throws -> String {
        var texts: [String]? = nil
        for (i, x) in items.enumerated() {
            if case .string = x { continue }
            // Not all strings: format the values in order (their charges too), once.
            var all: [String] = []
            all.reserveCapacity(items.count)
            for y in items[..<i] { if case .string(let t) = y { all.append(t) } }
            for y in items[i...] { all.append(try Formatter.str(y, vm: vm)) }
            texts = all
            break
        }
        if let texts { return joined(texts.lazy.map { $0 }, count: texts.count, separator: separator) }
        return joined(items.lazy.map { v -> String in if case .string(let t) = v { return t }; return "" },
                      count: items.count, separator: separator)
    }

    /// `texts` with `separator` between them: measured, then copied into one string of that size.
    private static func joined<C: Collection>(_ texts: C, count: Int, separator: String) -> String where C.Element == String {
        guard count > 0 else { return "" }
        let sep = separator.utf8.count
        var size = sep * (count - 1)
        for t in texts { size += t.utf8.count }
        guard size > 0 else { return "" }
        return String(unsafeUninitializedCapacity: size) { buf in
            var out = UTF8Buffer(buf)
            var first = true
            for t in texts {
                if first { first = false } else if sep > 0 { out.append(separator) }
                out.append(t)
            }
            return out.count
        }
    }

    /// The number of characters (grapheme clusters) of `s`, as `s.count` says. ASCII text, the
    /// usual case, is counted eight bytes at a time: every byte is a character except the LF of
    /// a CR LF pair (one character, as in `String`). Other text is counted by `String`.
    static func characterCount(_ s: String) -> Int {
        let counted = s.utf8.withContiguousStorageIfAvailable { asciiCharacterCount($0) }
        if let counted, let n = counted { return n }
        return s.count
    }

    /// The characters of ASCII bytes, or nil if a byte is not ASCII.
    private static func asciiCharacterCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        let crs: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
        var pairs = 0 // CR LF pairs
        var i = 0
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if w & high != 0 { return nil }
            // A byte of `w` is CR where `w ^ crs` has a zero byte.
            let x = w ^ crs
            if (x &- ones) & ~x & high != 0 {
                for j in i..<i + 8 where base[j] == 13 && j + 1 < n && base[j + 1] == 10 { pairs += 1 }
            }
            i += 8
        }
        while i < n {
            let b = base[i]
            if b >= 0x80 { return nil }
            if b == 13, i + 1 < n, base[i + 1] == 10 { pairs += 1 }
            i += 1
        }
        return n - pairs
    }
}

/// UTF-8 bytes being written: into a buffer the caller gives (on the stack, or a string's own
/// storage) and, should they outgrow it, into one on the heap (`release` frees it).
struct UTF8Buffer {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    private var onHeap = false

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        start = buffer.baseAddress!
        capacity = buffer.count
    }

    /// Frees the heap buffer, if the bytes moved to one.
    mutating func release() {
        if onHeap { start.deallocate(); onHeap = false; capacity = 0; count = 0 }
    }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let size = Swift.max(needed, capacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.initialize(from: start, count: count)
        if onHeap { start.deallocate() }
        start = bigger
        capacity = size
        onHeap = true
    }

    /// Appends `bytes`.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        let to = start + count
        // Short literals are copied byte by byte: a call of memcpy costs more.
        if n <= 16 { for i in 0..<n { to[i] = bytes[i] } } else { to.initialize(from: bytes.baseAddress!, count: n) }
        count += n
    }

    /// Appends the bytes of `s`.
    @inline(__always)
    mutating func append(_ s: String) {
        let n = s.utf8.count
        guard n > 0 else { return }
        reserve(n)
        let copied: Void? = s.utf8.withContiguousStorageIfAvailable { src in
            (start + count).initialize(from: src.baseAddress!, count: n)
        }
        if copied == nil {
            var i = count
            for b in s.utf8 { start[i] = b; i += 1 }
        }
        count += n
    }

    /// Appends the decimal digits of `n`, as `String(n)` writes them.
    mutating func appendDecimal(_ n: Int) {
        var m = n.magnitude
        // The number of digits, by comparison rather than division.
        var digits = 1
        var bound: UInt = 10
        while m >= bound {
            digits += 1
            if digits == 20 { break } // UInt.max has 20 digits; 10^20 would overflow
            bound &*= 10
        }
        let sign = n < 0 ? 1 : 0
        reserve(digits + sign)
        if sign == 1 { start[count] = 45 } // "-"
        var i = count + sign + digits
        repeat {
            i -= 1
            start[i] = UInt8(truncatingIfNeeded: m % 10) &+ 48 // "0"
            m /= 10
        } while m != 0
        count += sign + digits
    }

    /// The bytes written, as a string (short ones are stored inline, without an allocation).
    /// Copied into the string's own storage: for short ASCII text that is checked by one mask,
    /// where `String(decoding:as:)` validates the bytes and then copies them one by one.
    func makeString() -> String {
        let n = count, from = UnsafePointer(start)
        guard n > 0 else { return "" }
        return String(unsafeUninitializedCapacity: n) { buf in
            buf.baseAddress!.initialize(from: from, count: n)
            return n
        }
    }
}
