import CloudWire
import Foundation

/// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl 1.3x's
/// typed commands (`kubectl create deployment|configmap|secret|namespace|service …`) send: the
/// `k8s\0` envelope (`runtime.Unknown`: type meta + raw message) decoded into the object's JSON with
/// the generated schemas of `KubeProtoSchema`. A field the schemas do not know makes the whole body
/// undecodable (the caller answers 415): nothing is ever dropped silently.
enum KubeProto {
    struct Undecodable: Error { let why: String }

    /// One field of a message: its JSON name and type (`string`, `m:<msg>`, `r:…`, `map:…`, ...).
    struct Field { let name: String; let type: String }

    /// Parsed once, on first use.
    static let schema: [String: [Int: Field]] = KubeProtoSchema.messages.mapValues { spec in
        var out: [Int: Field] = [:]
        for entry in spec.split(separator: ";") {
            let p = entry.split(separator: " ", maxSplits: 2).map(String.init)
            if p.count == 3, let n = Int(p[0]) { out[n] = Field(name: p[1], type: p[2]) }
        }
        return out
    }

    /// Pointer fields of the built-in types whose zero is meaningful (`replicas: 0`); other zero
    /// scalars are dropped, as Go's `omitempty` leaves them out of JSON.
    static let keepZero: Set<String> = [
        "replicas", "terminationGracePeriodSeconds", "backoffLimit", "parallelism", "completions", "activeDeadlineSeconds",
        "revisionHistoryLimit", "progressDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "suspend",
        "automountServiceAccountToken", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot", "privileged",
        "runAsUser", "runAsGroup", "fsGroup", "defaultMode", "mode", "optional", "immutable", "ttlSecondsAfterFinished",
    ]

    /// Fields removed from the API that older clients still send, by message: ObjectMeta's
    /// `clusterName` (15, gone in Kubernetes 1.25; client-go 0.22, as in the VCD cloud provider
    /// 1.4, writes it empty into every object, its events included).
    static let removed: [String: Set<Int>] = ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta": [15]]

    /// The object a protobuf body holds, with `apiVersion` and `kind`.
    static func decode(_ data: Data) throws -> JSONValue {
        let b = [UInt8](data)
        guard b.count >= 4, b[0] == 0x6b, b[1] == 0x38, b[2] == 0x73, b[3] == 0 else { throw Undecodable(why: "no k8s protobuf envelope") }
        var r = Reader(bytes: b, pos: 4, end: b.count)
        var apiVersion = "", kind = "", raw: (Int, Int)? = nil, encoding = ""
        while !r.atEnd {
            let (num, wt) = try r.tag()
            guard wt == 2 else { try r.skip(wt); continue }
            let (s, e) = try r.lengthDelimited()
            switch num {
            case 1:
                var t = Reader(bytes: b, pos: s, end: e)
                while !t.atEnd {
                    let (n, w) = try t.tag()
                    guard w == 2 else { try t.skip(w); continue }
                    let (ts, te) = try t.lengthDelimited()
                    let v = String(decoding: b[ts..<te], as: UTF8.self)
                    if n == 1 { apiVersion = v } else if n == 2 { kind = v }
                }
            case 2: raw = (s, e)
            case 3: encoding = String(decoding: b[s..<e], as: UTF8.self)
            default: break
            }
        }
        guard encoding.isEmpty, let raw else { throw Undecodable(why: "an encoded or empty protobuf payload") }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0].split(separator: ".")[0]) : "core"
        let version = String(apiVersion.split(separator: "/").last ?? "")
        let message = "k8s.io.api.\(group).\(version).\(kind)"
        guard schema[message] != nil else { throw Undecodable(why: "no protobuf schema for \(apiVersion) \(kind)") }
        var obj = try decodeMessage(message, b, raw.0, raw.1)
        obj["apiVersion"] = .string(apiVersion)
        obj["kind"] = .string(kind)
        return .object(obj)
    }

    static func decodeMessage(_ name: String, _ b: [UInt8], _ start: Int, _ end: Int) throws -> [String: JSONValue] {
        guard let fields = schema[name] else { throw Undecodable(why: "unknown message \(name)") }
        var out: [String: JSONValue] = [:]
        var r = Reader(bytes: b, pos: start, end: end)
        while !r.atEnd {
            let (num, wt) = try r.tag()
            guard let f = fields[num] else {
                // A field Kubernetes removed, which clients built before still send: dropped, as
                // the apiserver of today drops it.
                if removed[name]?.contains(num) == true { try r.skip(wt); continue }
                throw Undecodable(why: "\(name) has no field \(num) in the simulator's schema")
            }
            if f.type.hasPrefix("map:") {
                let (s, e) = try r.lengthDelimited()
                var entry = Reader(bytes: b, pos: s, end: e)
                var key = "", value: JSONValue = .string("")
                while !entry.atEnd {
                    let (n, w) = try entry.tag()
                    if n == 1 { let (ks, ke) = try entry.lengthDelimited(); key = String(decoding: b[ks..<ke], as: UTF8.self) }
                    else if n == 2 { value = try single(String(f.type.dropFirst(4)), w, &entry, b) }
                    else { try entry.skip(w) }
                }
                var m: JSONObject = [:]
                if case .object(let old)? = out[f.name] { m = old }
                m[key] = value
                out[f.name] = .object(m)
            } else if f.type.hasPrefix("r:") {
                let elem = String(f.type.dropFirst(2))
                var list: [JSONValue] = []
                if case .array(let old)? = out[f.name] { list = old }
                if wt == 2, ["int32", "int64", "bool", "double", "float"].contains(elem) {
                    let (s, e) = try r.lengthDelimited()  // packed
                    var p = Reader(bytes: b, pos: s, end: e)
                    let w = elem == "double" ? 1 : elem == "float" ? 5 : 0
                    while !p.atEnd { list.append(try single(elem, w, &p, b)) }
                } else {
                    list.append(try single(elem, wt, &r, b))
                }
                out[f.name] = .array(list)
            } else {
                let v = try single(f.type, wt, &r, b)
                if v == .null { continue }
                if isZero(v), !keepZero.contains(f.name) { continue }
                out[f.name] = v
            }
        }
        return out
    }

    private static func isZero(_ v: JSONValue) -> Bool {
        switch v {
        case .string(let s): return s.isEmpty
        case .int(let i): return i == 0
        case .bool(let b): return !b
        case .double(let d): return d == 0
        default: return false
        }
    }

    /// One value of `type` at the reader.
    static func single(_ type: String, _ wt: Int, _ r: inout Reader, _ b: [UInt8]) throws -> JSONValue {
        func wire(_ w: Int) throws { if wt != w { throw Undecodable(why: "wire type \(wt) for a \(type)") } }
        switch type {
        case "string": try wire(2); let (s, e) = try r.lengthDelimited(); return .string(String(decoding: b[s..<e], as: UTF8.self))
        case "bytes": try wire(2); let (s, e) = try r.lengthDelimited(); return .string(Data(b[s..<e]).base64EncodedString())
        case "bool": try wire(0); return .bool(try r.varint() != 0)
        case "int32": try wire(0); return .int(Int(Int32(truncatingIfNeeded: try r.varint())))
        case "int64": try wire(0); return .int(Int(Int64(bitPattern: try r.varint())))
        case "double": try wire(1); return .double(Double(bitPattern: try r.fixed(8)))
        case "float": try wire(5); return .double(Double(Float(bitPattern: UInt32(try r.fixed(4)))))
        case "x": throw Undecodable(why: "a field of a type the simulator's schema does not cover")
        default: break
        }
        try wire(2)
        let (s, e) = try r.lengthDelimited()
        if type.hasPrefix("m:") { return .object(try decodeMessage(String(type.dropFirst(2)), b, s, e)) }
        // Well-known messages, decoded by hand: their JSON is not their protobuf shape.
        var ints: [Int: Int64] = [:], strs: [Int: (Int, Int)] = [:]
        var m = Reader(bytes: b, pos: s, end: e)
        while !m.atEnd {
            let (n, w) = try m.tag()
            switch w {
            case 0: ints[n] = Int64(bitPattern: try m.varint())
            case 2: strs[n] = try m.lengthDelimited()
            default: try m.skip(w)
            }
        }
        func text(_ n: Int) -> String { strs[n].map { String(decoding: b[$0.0..<$0.1], as: UTF8.self) } ?? "" }
        switch type {
        case "time":
            let secs = ints[1] ?? 0
            if secs == 0 && (ints[2] ?? 0) == 0 { return .null }
            return .string(KubeMeta.timestamp(Double(secs)))
        case "duration":
            let ns = ints[1] ?? 0
            return .string("\(Double(ns) / 1e9)s")
        case "intorstring": return (ints[1] ?? 0) == 1 ? .string(text(3)) : .int(Int(ints[2] ?? 0))
        case "quantity": return .string(text(1))
        case "raw":
            guard let range = strs[1] else { return .object([:]) }
            return (try? JSONValue.parse(Data(b[range.0..<range.1]))) ?? .null
        default: throw Undecodable(why: "unknown type \(type)")
        }
    }

    /// A protobuf wire-format reader over a byte range.
    struct Reader {
        let bytes: [UInt8]
        var pos: Int
        let end: Int
        var atEnd: Bool { pos >= end }

        mutating func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard pos < end, shift < 64 else { throw Undecodable(why: "truncated varint") }
                let c = bytes[pos]; pos += 1
                v |= UInt64(c & 0x7f) << shift
                if c & 0x80 == 0 { return v }
                shift += 7
            }
        }

        mutating func tag() throws -> (Int, Int) {
            let t = try varint()
            return (Int(t >> 3), Int(t & 7))
        }

        mutating func lengthDelimited() throws -> (Int, Int) {
            let n = Int(try varint())
            guard n >= 0, pos + n <= end else { throw Undecodable(why: "truncated field") }
            defer { pos += n }
            return (pos, pos + n)
        }

        mutating func fixed(_ n: Int) throws -> UInt64 {
            guard pos + n <= end else { throw Undecodable(why: "truncated fixed field") }
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
            pos += n
            return v
        }

        mutating func skip(_ wt: Int) throws {
            switch wt {
            case 0: _ = try varint()
            case 1: _ = try fixed(8)
            case 2: _ = try lengthDelimited()
            case 5: _ = try fixed(4)
            default: throw Undecodable(why: "wire type \(wt)")
            }
        }
    }
}
