/// The common call of a method, `x.name(a, b)`: arguments by position only, the parameters
/// after them taking their defaults. Bound here without the general binder (`Arguments.bind`),
/// which builds the values and the given-flags array on every call and names the method by
/// interpolating a string. Declaring a method allocates nothing more than this object (start-up
/// registers hundreds of them): the given-flags come from one table shared by all methods.
final class PositionalBinding {
    /// `type.name`, for messages.
    let qualifiedName: String
    let params: [Parameter]
    /// The fewest positional arguments that bind here: every parameter after them has a default
    /// (`Int.max` for a variadic method, which the general binder binds).
    private let fewest: Int

    init(qualifiedName: String, params: [Parameter], variadic: Bool) {
        self.qualifiedName = qualifiedName
        self.params = params
        fewest = variadic ? Int.max : (params.lastIndex { $0.defaultValue == nil }).map { $0 + 1 } ?? 0
    }

    /// The arguments of a call by position only, when they bind without the general binder;
    /// nil when the call needs it (named arguments, too few or too many, a variadic method).
    @inline(__always)
    func bind(_ args: [Value], named: [(name: String, value: Value)]) -> Arguments? {
        let n = args.count
        guard named.isEmpty, n >= fewest, n <= params.count else { return nil }
        var values = args
        if n < params.count {
            values.reserveCapacity(params.count)
            for i in n..<params.count { values.append(params[i].defaultValue!.value) }
        }
        return Arguments(function: qualifiedName, values: values, given: GivenFlags.first(n, of: params.count), rest: [],
                         named: [], params: params)
    }
}

/// The given-flags of a call whose first `n` of `count` parameters are given: made once for
/// every method of up to eight parameters.
enum GivenFlags {
    private static let table: [[[Bool]]] = (0...8).map { count in (0...count).map { n in (0..<count).map { $0 < n } } }

    static func first(_ n: Int, of count: Int) -> [Bool] {
        count < table.count ? table[count][n] : (0..<count).map { $0 < n }
    }
}
