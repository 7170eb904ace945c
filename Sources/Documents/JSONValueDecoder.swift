import Foundation

extension JSONValue {
    /// How `decode(_:leniency:)` treats a member that is missing or does not fit the type asked for.
    public enum DecodingLeniency: Sendable {
        /// As `JSONDecoder`: a missing required member or a value of another type is an error.
        case strict
        /// As a loose reader of documents users write (the simulated Kubernetes controllers read
        /// manifests this way): a member that is missing or null reads as absent (nil for an
        /// optional, empty for a non-optional record or list); a record or list found where the
        /// value is of another kind reads as empty, a scalar that does not fit as nil. A scalar
        /// reads as text where text is asked for (`42` → "42", `true` → "true") and text as a
        /// number where a number is (`"3"` → 3); a fractional number asked for as an integer is
        /// truncated. Nothing fails but a non-optional scalar that is absent.
        case lenient
    }

    /// Decodes `T` straight from this value, with no JSON text in between. A member declared as
    /// `JSONValue` receives the subtree as it is. Dates and data get no special strategy.
    public func decode<T: Decodable>(_ type: T.Type, leniency: DecodingLeniency = .strict) throws -> T {
        try JSONValueDecoder(value: self, codingPath: [], lenient: leniency == .lenient).decodeValue(T.self)
    }

    /// What a decoding error says this value is ("an object", "a string"…).
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// The `Decoder` over one `JSONValue` (a document or a member of one).
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [CodingKey]
    let lenient: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if let same = value as? T { return same }  // a JSONValue member takes the subtree as is
        return try T(from: self)
    }

    func mismatch(_ type: Any.Type) -> DecodingError {
        let expected: String
        switch type {
        case is String.Type: expected = "a string"
        case is Bool.Type: expected = "a boolean"
        case is any BinaryInteger.Type: expected = "an integer"
        case is any BinaryFloatingPoint.Type: expected = "a number"
        case is JSONObject.Type: expected = "an object"
        case is [JSONValue].Type: expected = "an array"
        default: expected = "\(type)"
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kindDescription)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if case .object(let members) = value { return KeyedDecodingContainer(JSONValueKeyedContainer<Key>(decoder: self, members: members)) }
        guard lenient else { throw mismatch(JSONObject.self) }
        return KeyedDecodingContainer(JSONValueKeyedContainer<Key>(decoder: self, members: [:]))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        if case .array(let items) = value { return JSONValueUnkeyedContainer(decoder: self, items: items) }
        guard lenient else { throw mismatch([JSONValue].self) }
        return JSONValueUnkeyedContainer(decoder: self, items: [])
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { JSONValueSingleContainer(decoder: self) }

    /// The decoder of a member or element.
    func child(_ value: JSONValue, _ key: CodingKey) -> JSONValueDecoder {
        JSONValueDecoder(value: value, codingPath: codingPath + [key], lenient: lenient)
    }
}

/// A scalar: the conversions of `DecodingLeniency` happen here.
struct JSONValueSingleContainer: SingleValueDecodingContainer {
    let decoder: JSONValueDecoder
    var codingPath: [CodingKey] { decoder.codingPath }
    var value: JSONValue { decoder.value }

    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        if case .bool(let b) = value { return b }
        throw decoder.mismatch(type)
    }

    func decode(_ type: String.Type) throws -> String {
        if case .string(let s) = value { return s }
        if decoder.lenient, let text = value.scalarText { return text }
        throw decoder.mismatch(type)
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .string(let s) where decoder.lenient: if let d = Double(s) { return d }
        default: break
        }
        throw decoder.mismatch(type)
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    /// An integer of any width; a value out of the type's range is a mismatch, not a wrapped number.
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        switch value {
        case .int(let i): if let v = T(exactly: i) { return v }
        case .double(let d): if let v = T(exactly: decoder.lenient ? d.rounded(.towardZero) : d) { return v }
        case .string(let s) where decoder.lenient: if let v = T(s) { return v }
        default: break
        }
        throw decoder.mismatch(type)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}

/// An object's members. Lenient: a missing member decodes as null (so a nested record or list is
/// empty), and `decodeIfPresent` answers nil for a member that does not fit.
struct JSONValueKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: JSONValueDecoder
    let members: JSONObject
    var codingPath: [CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }
    func decodeNil(forKey key: Key) throws -> Bool { (members[key.stringValue] ?? .null) == .null }

    func member<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        guard let v = members[key.stringValue] else {
            guard decoder.lenient else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
            }
            return try decoder.child(.null, key).decodeValue(type)
        }
        return try decoder.child(v, key).decodeValue(type)
    }

    func memberIfPresent<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        guard let v = members[key.stringValue], v != .null else { return nil }
        do { return try decoder.child(v, key).decodeValue(type) } catch _ where decoder.lenient { return nil }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try member(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try member(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try member(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try member(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try member(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try member(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try member(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try member(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try member(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try member(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try member(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try member(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try member(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try member(type, key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try memberIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try memberIfPresent(type, key) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try memberIfPresent(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(members[key.stringValue] ?? .null, key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try decoder.child(members[key.stringValue] ?? .null, key).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> Decoder { decoder.child(members[key.stringValue] ?? .null, key) }
}

/// An array's elements, in order.
struct JSONValueUnkeyedContainer: UnkeyedDecodingContainer {
    struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    let decoder: JSONValueDecoder
    let items: [JSONValue]
    var currentIndex = 0
    var codingPath: [CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: JSONValueDecoder, items: [JSONValue]) {
        self.decoder = decoder
        self.items = items
    }

    mutating func next() throws -> JSONValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "no element \(currentIndex)"))
        }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], Index(intValue: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decodeValue(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decodeValue(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decodeValue(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decodeValue(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decodeValue(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decodeValue(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decodeValue(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decodeValue(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decodeValue(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decodeValue(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decodeValue(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decodeValue(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decodeValue(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}
