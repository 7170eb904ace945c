/// The common call of a method, `x.name(a, b)`: arguments by position only, the parameters
/// after them taking their defaults. Bound here without the general binder (`Arguments.bind`),
/// which builds the values and the given-flags array on every call and names the method by
/// interpolating a string: the flags for each number of arguments and the defaults are made once,
/// when the method is declared.
final class PositionalBinding {
    /// `type.name`, for messages.
    let qualifiedName: String
    let params: [Parameter]
    /// `given[n]`: the given-flags of a call with `n` positional arguments (n parameters given,
    /// the rest defaulted), for each `n` such a call may have; nil where it may not.
    private let given: [[Bool]?]
    /// The default of each parameter (nil for a required one), as a value.
    private let defaults: [Value?]

    init(qualifiedName: String, params: [Parameter], variadic: Bool) {
        self.qualifiedName = qualifiedName
        self.params = params
        defaults = params.map { $0.defaultValue?.value }
        if variadic {
            given = []
        } else {
            // n arguments bind positionally when every parameter from n on has a default.
            let firstOptionalTail = (params.lastIndex { $0.defaultValue == nil }).map { $0 + 1 } ?? 0
            given = (0...params.count).map { n in
                n < firstOptionalTail ? nil : (0..<params.count).map { $0 < n }
            }
        }
    }

    /// The arguments of a call by position only, when they bind without the general binder;
    /// nil when the call needs it (named arguments, too few or too many, a variadic method).
    @inline(__always)
    func bind(_ args: [Value], named: [(name: String, value: Value)]) -> Arguments? {
        guard named.isEmpty, args.count < given.count, let flags = given[args.count] else { return nil }
        var values = args
        if args.count < params.count {
            values.reserveCapacity(params.count)
            for i in args.count..<params.count { values.append(defaults[i]!) }
        }
        return Arguments(function: qualifiedName, values: values, given: flags, rest: [], named: [], params: params)
    }
}
