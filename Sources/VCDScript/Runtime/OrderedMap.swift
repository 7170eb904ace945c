/// The storage of a script map: insertion-ordered, with O(1) insert, lookup and delete.
/// Deleted entries leave a hole that later compaction removes (as CPython's dict does), because
/// shifting every later entry on each delete made churn-heavy scripts quadratic.
public struct OrderedMap: Sequence, ExpressibleByDictionaryLiteral {
    private var slots: [(key: MapKey, value: Value)?] = []
    private var index: [MapKey: Int] = [:]
    private var holes = 0

    public init() {}
    public init(dictionaryLiteral elements: (MapKey, Value)...) {
        for (k, v) in elements { self[k] = v }
    }

    public var count: Int { index.count }
    public var isEmpty: Bool { index.isEmpty }

    public subscript(key: MapKey) -> Value? {
        get { index[key].map { slots[$0]!.value } }
        set {
            if let newValue {
                // One hash lookup for both cases: the index entry is made (pointing past the
                // end) or found in place.
                let end = slots.count
                let i = Self.entry(&index[key, default: end])
                if i == end { slots.append((key, newValue)) } else { slots[i]!.value = newValue }
            } else {
                _ = removeValue(forKey: key)
            }
        }
    }

    /// The value of an index entry reached through `Dictionary`'s in-place accessor.
    @inline(__always)
    private static func entry(_ i: inout Int) -> Int { i }

    @discardableResult
    public mutating func removeValue(forKey key: MapKey) -> Value? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        let old = slots[i]!.value
        slots[i] = nil
        holes += 1
        if holes > 16 && holes * 2 > slots.count { compact() }
        return old
    }

    public mutating func removeAll() {
        slots.removeAll()
        index.removeAll()
        holes = 0
    }

    private mutating func compact() {
        slots = slots.filter { $0 != nil }
        index.removeAll(keepingCapacity: true)
        for (i, s) in slots.enumerated() { index[s!.key] = i }
        holes = 0
    }

    /// The keys in insertion order.
    public var keys: [MapKey] { slots.compactMap { $0?.key } }
    /// The values in insertion order.
    public var values: [Value] { slots.compactMap { $0?.value } }

    public func makeIterator() -> AnyIterator<(key: MapKey, value: Value)> {
        var i = 0
        let slots = self.slots
        return AnyIterator {
            while i < slots.count {
                defer { i += 1 }
                if let s = slots[i] { return s }
            }
            return nil
        }
    }
}
