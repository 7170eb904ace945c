/// The storage of a script map: insertion-ordered, with O(1) insert, lookup and delete.
/// Deleted entries leave a hole that later compaction removes (as CPython's dict does), because
/// shifting every later entry on each delete made churn-heavy scripts quadratic.
///
/// Small maps (the records scripts make by the thousand: `{name: n, ip: a, cpus: 2}`) have no
/// hash index: a key is found by comparing it with each of at most `linearLimit` slots, which
/// costs less than hashing it, and the map is one array. The index is built when the map grows
/// past that.
public struct OrderedMap: Sequence, ExpressibleByDictionaryLiteral {
    private var slots: [(key: MapKey, value: Value)?] = []
    /// Key -> slot; nil while the map is small (see `linearLimit`).
    private var index: [MapKey: Int]? = nil
    private var holes = 0

    /// The most slots (holes included) searched one by one, without an index.
    static let linearLimit = 8

    public init() {}
    /// An empty map with room for `capacity` entries (a map literal knows its size).
    public init(minimumCapacity capacity: Int) {
        slots.reserveCapacity(capacity)
        if capacity > Self.linearLimit { index = Dictionary(minimumCapacity: capacity) }
    }
    public init(dictionaryLiteral elements: (MapKey, Value)...) {
        self.init(minimumCapacity: elements.count)
        for (k, v) in elements { self[k] = v }
    }

    public var count: Int { slots.count - holes }
    public var isEmpty: Bool { count == 0 }

    /// The slot of `key`, if it is in the map.
    @inline(__always)
    private func slot(of key: MapKey) -> Int? {
        if let index { return index[key] }
        for i in slots.indices where slots[i]?.key == key { return i }
        return nil
    }

    public subscript(key: MapKey) -> Value? {
        get { slot(of: key).map { slots[$0]!.value } }
        set {
            guard let newValue else { _ = removeValue(forKey: key); return }
            if index != nil {
                // One hash lookup for both cases: the index entry is made (pointing past the
                // end) or found in place.
                let end = slots.count
                let i = Self.entry(&index![key, default: end])
                if i == end { slots.append((key, newValue)) } else { slots[i]!.value = newValue }
                return
            }
            if let i = slot(of: key) { slots[i]!.value = newValue; return }
            if slots.count >= Self.linearLimit {
                if holes > 0 { compact() }
                if slots.count >= Self.linearLimit { buildIndex() }
            }
            if index != nil { index![key] = slots.count }
            slots.append((key, newValue))
        }
    }

    /// The value of an index entry reached through `Dictionary`'s in-place accessor.
    @inline(__always)
    private static func entry(_ i: inout Int) -> Int { i }

    @discardableResult
    public mutating func removeValue(forKey key: MapKey) -> Value? {
        let found: Int?
        if index != nil { found = index!.removeValue(forKey: key) } else { found = slot(of: key) }
        guard let i = found else { return nil }
        let old = slots[i]!.value
        if i == slots.count - 1 {
            slots.removeLast() // the last entry leaves no hole
        } else {
            slots[i] = nil
            holes += 1
            if holes > 16 && holes * 2 > slots.count { compact() }
        }
        return old
    }

    public mutating func removeAll() {
        slots.removeAll()
        index = nil
        holes = 0
    }

    private mutating func compact() {
        slots = slots.filter { $0 != nil }
        holes = 0
        if index != nil {
            if slots.count <= Self.linearLimit { index = nil } else { buildIndex() }
        }
    }

    /// Indexes every slot (there are no holes when it is called from a small map, or after
    /// `compact`).
    private mutating func buildIndex() {
        var built = [MapKey: Int](minimumCapacity: Swift.max(slots.count * 2, 16))
        for (i, s) in slots.enumerated() { if let s { built[s.key] = i } }
        index = built
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
