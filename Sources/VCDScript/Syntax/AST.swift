/// The syntax tree. Nodes are classes so that the resolver can annotate them in place (slots,
/// captures) before the compiler turns them into closures.
class SyntaxNode {
    let range: SourceRange
    init(range: SourceRange) { self.range = range }
}

// MARK: - Expressions

class Expr: SyntaxNode {}

final class LiteralExpr: Expr {
    let value: Value
    init(_ value: Value, range: SourceRange) { self.value = value; super.init(range: range) }
}

final class InterpolationExpr: Expr {
    enum Part { case text(String), expr(Expr) }
    let parts: [Part]
    init(parts: [Part], range: SourceRange) { self.parts = parts; super.init(range: range) }
}

final class ListExpr: Expr {
    let items: [Expr]
    init(items: [Expr], range: SourceRange) { self.items = items; super.init(range: range) }
}

final class MapExpr: Expr {
    let entries: [(key: Expr, value: Expr)]
    init(entries: [(key: Expr, value: Expr)], range: SourceRange) { self.entries = entries; super.init(range: range) }
}

/// What a name refers to, decided by the resolver.
enum Binding {
    case unresolved
    /// A local of the current function: a slot in its frame, or a cell when captured.
    case local(LocalVar)
    /// A local of an enclosing function, `depth` functions up.
    case outer(LocalVar, depth: Int)
    case global(Int)
    case builtin(Int)
}

final class IdentExpr: Expr {
    let name: String
    var binding: Binding = .unresolved
    init(name: String, range: SourceRange) { self.name = name; super.init(range: range) }
}

enum UnaryOp: String { case negate = "-", not = "not" }

final class UnaryExpr: Expr {
    let op: UnaryOp
    let operand: Expr
    init(op: UnaryOp, operand: Expr, range: SourceRange) { self.op = op; self.operand = operand; super.init(range: range) }
}

enum BinaryOp: String {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and, or, coalesce = "??", `in`, notIn = "not in"
}

final class BinaryExpr: Expr {
    let op: BinaryOp
    let left: Expr
    let right: Expr
    /// The range of the operator itself, for errors such as "cannot add int and string".
    let opRange: SourceRange
    init(op: BinaryOp, left: Expr, right: Expr, opRange: SourceRange, range: SourceRange) {
        self.op = op; self.left = left; self.right = right; self.opRange = opRange; super.init(range: range)
    }
}

final class RangeExpr: Expr {
    let lower: Expr
    let upper: Expr
    let inclusive: Bool
    init(lower: Expr, upper: Expr, inclusive: Bool, range: SourceRange) {
        self.lower = lower; self.upper = upper; self.inclusive = inclusive; super.init(range: range)
    }
}

final class MemberExpr: Expr {
    let object: Expr
    let name: String
    let optional: Bool
    let nameRange: SourceRange
    init(object: Expr, name: String, optional: Bool, nameRange: SourceRange, range: SourceRange) {
        self.object = object; self.name = name; self.optional = optional; self.nameRange = nameRange; super.init(range: range)
    }
}

final class IndexExpr: Expr {
    let object: Expr
    let index: Expr
    init(object: Expr, index: Expr, range: SourceRange) { self.object = object; self.index = index; super.init(range: range) }
}

struct NamedArg {
    let name: String
    let value: Expr
    let nameRange: SourceRange
}

final class CallExpr: Expr {
    let callee: Expr
    let args: [Expr]
    let named: [NamedArg]
    init(callee: Expr, args: [Expr], named: [NamedArg], range: SourceRange) {
        self.callee = callee; self.args = args; self.named = named; super.init(range: range)
    }
}

struct Param {
    let name: String
    let defaultValue: Expr?
    let range: SourceRange
    var variable: LocalVar? = nil
}

/// A function literal or the body of a `fn` declaration.
final class FunctionExpr: Expr {
    let name: String
    var params: [Param]
    let body: BlockStmt
    /// Filled by the resolver.
    var info = FunctionInfo()
    init(name: String, params: [Param], body: BlockStmt, range: SourceRange) {
        self.name = name; self.params = params; self.body = body; super.init(range: range)
    }
}

final class IfExpr: Expr {
    let condition: Expr
    let then: BlockStmt
    /// A block, or nil. `else if` is an else block holding one `if`.
    let otherwise: BlockStmt?
    init(condition: Expr, then: BlockStmt, otherwise: BlockStmt?, range: SourceRange) {
        self.condition = condition; self.then = then; self.otherwise = otherwise; super.init(range: range)
    }
}

// MARK: - Statements

class Stmt: SyntaxNode {}

final class ExprStmt: Stmt {
    let expr: Expr
    init(_ expr: Expr) { self.expr = expr; super.init(range: expr.range) }
}

final class LetStmt: Stmt {
    let name: String
    let mutable: Bool
    let value: Expr
    let nameRange: SourceRange
    var target: DeclTarget = .none
    init(name: String, mutable: Bool, value: Expr, nameRange: SourceRange, range: SourceRange) {
        self.name = name; self.mutable = mutable; self.value = value; self.nameRange = nameRange; super.init(range: range)
    }
}

/// Where a declaration stores its value.
enum DeclTarget {
    case none
    case local(LocalVar)
    case global(Int)
}

final class FnStmt: Stmt {
    let function: FunctionExpr
    var target: DeclTarget = .none
    let nameRange: SourceRange
    init(function: FunctionExpr, nameRange: SourceRange, range: SourceRange) {
        self.function = function; self.nameRange = nameRange; super.init(range: range)
    }
}

enum AssignOp: String { case set = "=", add = "+=", sub = "-=", mul = "*=", div = "/=", mod = "%=" }

final class AssignStmt: Stmt {
    let target: Expr
    let op: AssignOp
    let value: Expr
    init(target: Expr, op: AssignOp, value: Expr, range: SourceRange) {
        self.target = target; self.op = op; self.value = value; super.init(range: range)
    }
}

final class BlockStmt: Stmt {
    let statements: [Stmt]
    init(statements: [Stmt], range: SourceRange) { self.statements = statements; super.init(range: range) }
}

final class WhileStmt: Stmt {
    let condition: Expr
    let body: BlockStmt
    init(condition: Expr, body: BlockStmt, range: SourceRange) { self.condition = condition; self.body = body; super.init(range: range) }
}

final class ForStmt: Stmt {
    let first: String
    let second: String?
    let iterable: Expr
    let body: BlockStmt
    var firstVar: LocalVar?
    var secondVar: LocalVar?
    init(first: String, second: String?, iterable: Expr, body: BlockStmt, range: SourceRange) {
        self.first = first; self.second = second; self.iterable = iterable; self.body = body; super.init(range: range)
    }
}

final class JumpStmt: Stmt {
    enum Kind { case `break`, `continue` }
    let kind: Kind
    init(kind: Kind, range: SourceRange) { self.kind = kind; super.init(range: range) }
}

final class ReturnStmt: Stmt {
    let value: Expr?
    init(value: Expr?, range: SourceRange) { self.value = value; super.init(range: range) }
}

final class ThrowStmt: Stmt {
    let value: Expr
    init(value: Expr, range: SourceRange) { self.value = value; super.init(range: range) }
}

final class TryStmt: Stmt {
    let body: BlockStmt
    /// In order: the first clause that takes the error handles it; none, and it passes through.
    let clauses: [CatchClause]
    init(body: BlockStmt, clauses: [CatchClause], range: SourceRange) {
        self.body = body; self.clauses = clauses; super.init(range: range)
    }
}

/// `catch NOT_FOUND, CONFLICT as err { ... }`, or `catch err { ... }` (every error).
final class CatchClause {
    /// The error codes it takes (`err.code`); empty: every error.
    let codes: [(name: String, range: SourceRange)]
    let errorName: String?
    let handler: BlockStmt
    let range: SourceRange
    var errorVar: LocalVar?
    init(codes: [(name: String, range: SourceRange)], errorName: String?, handler: BlockStmt, range: SourceRange) {
        self.codes = codes; self.errorName = errorName; self.handler = handler; self.range = range
    }
}

final class DeferStmt: Stmt {
    let body: BlockStmt
    /// The body as a function without parameters: a defer captures the variables it uses as a
    /// closure made at that point does, so one made in a loop sees its own iteration's variables.
    let function: FunctionExpr
    init(body: BlockStmt, range: SourceRange) {
        self.body = body
        self.function = FunctionExpr(name: "defer", params: [], body: body, range: range)
        super.init(range: range)
    }
}

final class ImportStmt: Stmt {
    let path: String
    let alias: String
    var target: DeclTarget = .none
    init(path: String, alias: String, range: SourceRange) { self.path = path; self.alias = alias; super.init(range: range) }
}

/// A parsed file or REPL input.
final class Program {
    let file: SourceFile
    let statements: [Stmt]
    /// Filled by the resolver: the slots the top level needs for its block-scoped locals.
    var info = FunctionInfo()
    init(file: SourceFile, statements: [Stmt]) { self.file = file; self.statements = statements }
}

/// `param name: type = default, required, doc: "…", allowed: […], check: fn(v) { … }`: a value
/// the script takes from its command line (see Host/Parameters.swift). At the top level only.
final class ParamStmt: Stmt {
    /// The name on the command line (`cidr=`).
    let name: String
    /// The name in the script: the same, or the one after `as` when the command line's name is
    /// taken (`param cidr as nodeCIDR` keeps the builtin `cidr()` usable).
    let binding: String
    let nameRange: SourceRange
    /// nil: the parameter is declared (typed) by an imported module and this file reads it too.
    let type: DeclaredParameter.ValueType?
    let defaultValue: Expr?
    let required: Bool
    let doc: String
    /// A list literal of literals: the only values the parameter takes.
    let allowed: ListExpr?
    /// A function of the value that answers true when the value is acceptable.
    let check: Expr?
    var target: DeclTarget = .none
    init(name: String, binding: String, nameRange: SourceRange, type: DeclaredParameter.ValueType?, defaultValue: Expr?, required: Bool,
         doc: String, allowed: ListExpr?, check: Expr?, range: SourceRange) {
        self.name = name; self.binding = binding; self.nameRange = nameRange; self.type = type; self.defaultValue = defaultValue
        self.required = required; self.doc = doc; self.allowed = allowed; self.check = check
        super.init(range: range)
    }
}
