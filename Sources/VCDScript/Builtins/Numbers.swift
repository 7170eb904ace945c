import Foundation

/// `abs`, `round`, `format(value, spec)`: the number helpers runbooks reach for (`min` and `max`
/// are with the collections).
enum Numbers {
    static let functions: [NativeFunction] = [
        NativeFunction("abs", params: [Parameter("x")], doc: "The absolute value of a number or a duration.") { a, _ in
            switch a[0] {
            case .int(let n):
                guard n != Int.min else { throw ScriptError(.arithmetic, "abs(): \(n) has no positive int") }
                return .int(Swift.abs(n))
            case .float(let x): return .float(Swift.abs(x))
            case .duration(let d):
                guard d != Int64.min else { throw ScriptError(.arithmetic, "abs(): the duration has no positive counterpart") }
                return .duration(Swift.abs(d))
            case let v: throw ScriptError(.type, "abs() takes a number or a duration, not \(v.typeName)")
            }
        },
        NativeFunction("round", params: [Parameter("x"), Parameter("digits", default: .null, doc: "digits after the point; none: an int")],
                       doc: "Rounds half away from zero: round(2.5) is 3 (an int); round(3.14159, 2) is 3.14 (a float).") { a, _ in
            let x: Double
            switch a[0] {
            case .int(let n): if a[1].isNil { return .int(n) }; x = Double(n)
            case .float(let f): x = f
            case let v: throw ScriptError(.type, "round() takes a number, not \(v.typeName)")
            }
            guard x.isFinite else { throw ScriptError(.value, "round(): \(Formatter.float(x)) cannot be rounded") }
            if a[1].isNil {
                let r = x.rounded(.toNearestOrAwayFromZero)
                guard r >= -9.2e18, r <= 9.2e18 else { throw ScriptError(.arithmetic, "round(): \(Formatter.float(x)) is too large for an int", hint: "give digits: to keep a float") }
                return .int(Int(r))
            }
            let digits = try a.int(1)
            guard (-15...15).contains(digits) else { throw ScriptError(.value, "round(): digits must be from -15 to 15, not \(digits)") }
            let scale = pow(10.0, Double(digits))
            let r = (x * scale).rounded(.toNearestOrAwayFromZero) / scale
            return .float(r.isFinite ? r : x)
        },
        NativeFunction("format", params: [Parameter("value"), Parameter("spec", default: .string(""), doc: "e.g. \">8\", \".2\", \",d\", \"08.3f\"")],
                       doc: "The value laid out by a format spec, as \"${value:spec}\" does: format(3.14159, \".2\") is \"3.14\".") { a, ctx in
            let spec = try FormatSpec.parse(try a.string(1))
            try ctx.charge(Cost.repeated(spec.width))
            return .string(try spec.apply(a[0], vm: ctx.meter))
        },
    ]
}
