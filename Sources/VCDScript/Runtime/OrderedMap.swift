/// The storage of a script map: insertion-ordered, with O(1) insert, lookup and delete.
/// Deleted entries leave a hole that later compaction removes (as CPython's dict does), because
/// shifting every later entry on each delete made churn-heavy scripts quadratic.
///
/// Small maps (the records scripts make by the thousand: `{name: n, ip: a, cpus: 2}`) have no
/// hash index: a key is found by comparing it with each of at most `linearLimit` slots, which
/// costs less than hashing it. The index is built when the map grows past that. Keys and values
/// are kept in two arrays, so that a search reads keys without copying (and counting) values.
public struct OrderedMap: Sequence, ExpressibleByDictionaryLiteral {
    /// The keys in insertion order; nil where an entry was removed (a hole).
    private var slotKeys: [MapKey?] = []
    /// The value of each slot (nil at a hole).
    private var slotValues: [Value] = []
    /// Key -> slot; nil while the map is small (see `linearLimit`).
    private var index: [MapKey: Int]? = nil
    private var holes = 0

    /// The most slots (holes included) searched one by one, without an index.
    static let linearLimit = 8

    public init() {}
    /// An empty map with room for `capacity` entries (a map literal knows its size).
    public init(minimumCapacity capacity: Int) {
        slotKeys.reserveCapacity(capacity)
        slotValues.reserveCapacity(capacity)
        if capacity > Self.linearLimit { index = Dictionary(minimumCapacity: capacity) }
    }
    public init(dictionaryLiteral elements: (MapKey, Value)...) {
        self.init(minimumCapacity: elements.count)
        for (k, v) in elements { self[k] = v }
    }

    public var count: Int { slotKeys.count - holes }
    public var isEmpty: Bool { count == 0 }

    /// The slot of `key`, if it is in the map.
    @inline(__always)
    private func slot(of key: MapKey) -> Int? {
        if let index { return index[key] }
        for i in slotKeys.indices where slotKeys[i] == key { return i }
        return nil
    }

    public subscript(key: MapKey) -> Value? {
        get { slot(of: key).map { slotValues[$0] } }
        set {
            guard let newValue else { _ = removeValue(forKey: key); return }
            if index != nil {
                // One hash lookup for both cases: the index entry is made (pointing past the
                // end) or found in place.
                let end = slotKeys.count
                let i = Self.entry(&index![key, default: end])
                if i == end { append(key, newValue) } else { slotValues[i] = newValue }
                return
            }
            if let i = slot(of: key) { slotValues[i] = newValue; return }
            if slotKeys.count >= Self.linearLimit {
                if holes > 0 { compact() }
                if slotKeys.count >= Self.linearLimit { buildIndex() }
            }
            if index != nil { index![key] = slotKeys.count }
            append(key, newValue)
        }
    }

    @inline(__always)
    private mutating func append(_ key: MapKey, _ value: Value) {
        slotKeys.append(key)
        slotValues.append(value)
    }

    /// The value of an index entry reached through `Dictionary`'s in-place accessor.
    @inline(__always)
    private static func entry(_ i: inout Int) -> Int { i }

    @discardableResult
    public mutating func removeValue(forKey key: MapKey) -> Value? {
        let found: Int?
        if index != nil { found = index!.removeValue(forKey: key) } else { found = slot(of: key) }
        guard let i = found else { return nil }
        let old = slotValues[i]
        if i == slotKeys.count - 1 {
            // The last entry leaves no hole.
            slotKeys.removeLast()
            slotValues.removeLast()
        } else {
            slotKeys[i] = nil
            slotValues[i] = .null
            holes += 1
            if holes > 16 && holes * 2 > slotKeys.count { compact() }
        }
        return old
    }

    public mutating func removeAll() {
        slotKeys.removeAll()
        slotValues.removeAll()
        index = nil
        holes = 0
    }

    private mutating func compact() {
        var keys: [MapKey?] = [], values: [Value] = []
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
        for i in slotKeys.indices where slotKeys[i] != nil {
            keys.append(slotKeys[i])
            values.append(slotValues[i])
        }
        slotKeys = keys
        slotValues = values
        holes = 0
        if index != nil {
            if slotKeys.count <= Self.linearLimit { index = nil } else { buildIndex() }
        }
    }

    /// Indexes every slot.
    private mutating func buildIndex() {
        var built = [MapKey: Int](minimumCapacity: Swift.max(slotKeys.count * 2, 16))
        for (i, k) in slotKeys.enumerated() { if let k { built[k] = i } }
        index = built
    }

    /// The keys in insertion order.
    public var keys: [MapKey] { slotKeys.compactMap { $0 } }
    /// The values in insertion order.
    public var values: [Value] { slotKeys.indices.compactMap { slotKeys[$0] == nil ? nil : slotValues[$0] } }

    public func makeIterator() -> AnyIterator<(key: MapKey, value: Value)> {
        var i = 0
        let keys = slotKeys, values = slotValues
        return AnyIterator {
            while i < keys.count {
                defer { i += 1 }
                if let k = keys[i] { return (k, values[i]) }
            }
            return nil
        }
    }
}
