/// `${value:spec}` inside a string: the value laid out by a format spec (`${x:>8}`, `${f:.2}`).
final class FormatExpr: Expr {
    let value: Expr
    let spec: FormatSpec
    init(value: Expr, spec: FormatSpec, range: SourceRange) { self.value = value; self.spec = spec; super.init(range: range) }
}
