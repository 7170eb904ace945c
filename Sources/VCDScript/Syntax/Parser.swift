/// A recursive-descent parser with precedence climbing. It reports every syntax error it can:
/// after an error it skips to the next statement and goes on. Nesting is capped so that deeply
/// nested input is an error, never a stack overflow.
struct Parser {
    private let file: SourceFile
    private var tokens: [Token]
    private var p = 0
    private(set) var errors: [ScriptError] = []
    private var depth = 0
    /// Deeper nesting than this is a syntax error (it would otherwise overflow the native stack).
    static let maxDepth = 200

    /// Thrown to stop parsing at once (nesting too deep).
    private struct Abort: Error {}

    init(file: SourceFile) {
        self.file = file
        var lexer = Lexer(file: file)
        lexer.run()
        tokens = lexer.tokens
        errors = lexer.errors
    }

    /// Parses a sub-expression of an interpolated string.
    private init(file: SourceFile, start: Int, end: Int, depth: Int) {
        self.file = file
        var lexer = Lexer(file: file, start: start, end: end)
        lexer.run()
        tokens = lexer.tokens
        errors = lexer.errors
        self.depth = depth
    }

    /// Parses a whole file. Throws `ScriptErrors` with every error found.
    static func parse(_ file: SourceFile) throws -> Program {
        var parser = Parser(file: file)
        let stmts = parser.parseTopLevel()
        if !parser.errors.isEmpty { throw ScriptErrors(parser.errors) }
        return Program(file: file, statements: stmts)
    }

    // MARK: tokens

    private var tok: Token { tokens[p] }
    private func range(_ t: Token) -> SourceRange { SourceRange(file: file, start: t.start, end: t.end) }
    private func range(from start: Int) -> SourceRange {
        let endTok = p > 0 ? tokens[p - 1] : tokens[0]
        return SourceRange(file: file, start: start, end: max(start, endTok.end))
    }
    private mutating func advance() -> Token { let t = tokens[p]; if p < tokens.count - 1 { p += 1 }; return t }
    private func isPunct(_ s: String) -> Bool { if case .punct(s) = tok.kind { return true }; return false }
    private func isKeyword(_ k: Keyword) -> Bool { if case .keyword(k) = tok.kind { return true }; return false }
    private var atNewline: Bool { if case .newline = tok.kind { return true }; return false }
    private var atEOF: Bool { if case .eof = tok.kind { return true }; return false }
    private mutating func skipNewlines() { while atNewline || isPunct(";") { _ = advance() } }

    /// Looks past newlines: if the first token after them satisfies `pred`, consumes the newlines.
    private mutating func continuesAfterNewlines(_ pred: (Token) -> Bool) -> Bool {
        var q = p
        while q < tokens.count, case .newline = tokens[q].kind { q += 1 }
        if q < tokens.count, q != p, pred(tokens[q]) { p = q; return true }
        return q == p && pred(tokens[p])
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .int(let v): return "number \(v)"
        case .float(let v): return "number \(v)"
        case .duration: return "duration \(file.text(t.start..<t.end))"
        case .string, .interpolated: return "string"
        case .identifier(let n): return "name \"\(n)\""
        case .keyword(let k): return "keyword \"\(k.rawValue)\""
        case .punct(let s): return "\"\(s)\""
        }
    }

    /// `catch`, then the codes it takes (`NOT_FOUND, CONFLICT`) and/or the name of the error, then
    /// its block. A lone name is the error's name unless it is written as a code (capitals: `BUSY`).
    private mutating func parseCatchClause() throws -> CatchClause {
        let start = tok.start
        _ = advance()  // catch
        var codes: [(name: String, range: SourceRange)] = []
        var name: String? = nil
        if case .identifier(let first) = tok.kind {
            let next = tokens[min(p + 1, tokens.count - 1)].kind
            var isList = CatchCodes.looksLikeCode(first)
            if next == .punct(",") || next == .keyword(.as) { isList = true }
            if isList {
                while true {
                    guard case .identifier(let code) = tok.kind else {
                        throw fail("expected an error code after the comma", hint: "catch NOT_FOUND, CONFLICT as err { ... }")
                    }
                    codes.append((code, range(tok)))
                    _ = advance()
                    guard tok.kind == .punct(",") else { break }
                    _ = advance()
                }
                if isKeyword(.as) {
                    _ = advance()
                    guard case .identifier(let n) = tok.kind else { throw fail("expected a name after as", hint: "catch NOT_FOUND as err { ... }") }
                    name = n
                    _ = advance()
                } else if case .identifier(let n) = tok.kind {
                    throw fail("expected as before the error's name \(n)", hint: "catch \(codes.map(\.name).joined(separator: ", ")) as \(n) { ... }")
                }
            } else {
                name = first
                _ = advance()
            }
        }
        let handler = try parseBlock("after catch")
        return CatchClause(codes: codes, errorName: name, handler: handler, range: range(from: start))
    }

    private mutating func fail(_ message: String, hint: String? = nil, at token: Token? = nil) -> ScriptError {
        let t = token ?? tok
        let e = ScriptError(.syntax, message, at: range(t), hint: hint, compileTime: true)
        if case .eof = t.kind { e.atEndOfInput = true }
        return e
    }

    private mutating func expectPunct(_ s: String, _ context: String) throws {
        guard isPunct(s) else {
            var hint: String? = nil
            if s == "{" && isPunct(":") { hint = "blocks use { ... }, not a colon" }
            throw fail("expected \"\(s)\" \(context), found \(describe(tok))", hint: hint)
        }
        _ = advance()
    }

    private mutating func expectIdentifier(_ context: String) throws -> (String, SourceRange) {
        if case .identifier(let name) = tok.kind {
            let t = advance()
            return (name, range(t))
        }
        if case .keyword(let k) = tok.kind {
            throw fail("\"\(k.rawValue)\" is a keyword and cannot be used as a name \(context)", hint: "pick another name, such as \(k.rawValue)_")
        }
        throw fail("expected a name \(context), found \(describe(tok))")
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth {
            errors.append(ScriptError(.syntax, "nesting is too deep (more than \(Parser.maxDepth) levels)", at: range(tok),
                                      hint: "split the expression or the blocks into functions", compileTime: true))
            throw Abort()
        }
    }

    // MARK: statements

    private mutating func parseTopLevel() -> [Stmt] {
        var stmts: [Stmt] = []
        skipNewlines()
        while !atEOF {
            if isPunct("}") {
                // No block is open here: report it and step over it (recovery would stop at it).
                errors.append(fail("unmatched \"}\": no block is open here", hint: "remove it, or check the { that should open its block"))
                _ = advance()
                skipNewlines()
                continue
            }
            do {
                stmts.append(try parseStatement())
                try endStatement()
            } catch is Abort {
                return stmts
            } catch let e as ScriptError {
                errors.append(e)
                synchronize()
                // A stray "}" at the top level: synchronize stops in front of it, so step over
                // it or this loop never ends (`1 }` hung the parser).
                if isPunct("}") { _ = advance() }
            } catch {
                return stmts
            }
            skipNewlines()
        }
        return stmts
    }

    /// After an error: skip to the start of the next statement at this level.
    private mutating func synchronize() {
        var braces = 0
        while !atEOF {
            if isPunct("{") { braces += 1 } else if isPunct("}") {
                if braces == 0 { return }
                braces -= 1
            } else if (atNewline || isPunct(";")) && braces == 0 {
                _ = advance(); return
            }
            _ = advance()
        }
    }

    private mutating func endStatement() throws {
        if atNewline || isPunct(";") || atEOF || isPunct("}") { return }
        var hint: String? = nil
        if isPunct("!") { hint = "use `not` for negation, != for inequality" }
        throw fail("expected end of statement, found \(describe(tok))", hint: hint ?? "put each statement on its own line, or separate them with ;")
    }

    private mutating func parseBlock(_ context: String) throws -> BlockStmt {
        try enter(); defer { depth -= 1 }
        let start = tok.start
        try expectPunct("{", context)
        var stmts: [Stmt] = []
        skipNewlines()
        while !isPunct("}") {
            if atEOF {
                let e = fail("unexpected end of input: missing \"}\" \(context)", hint: "close the block opened at \(SourceRange(file: file, start: start, end: start + 1))")
                throw e
            }
            do {
                stmts.append(try parseStatement())
                try endStatement()
            } catch let e as ScriptError {
                if e.atEndOfInput { throw e }
                errors.append(e)
                synchronize()
            }
            skipNewlines()
        }
        _ = advance()
        return BlockStmt(statements: stmts, range: range(from: start))
    }

    private mutating func parseStatement() throws -> Stmt {
        let start = tok.start
        switch tok.kind {
        case .keyword(.let), .keyword(.var):
            let mutable = isKeyword(.var)
            _ = advance()
            let (name, nameRange) = try expectIdentifier("after \(mutable ? "var" : "let")")
            guard isPunct("=") else {
                if mutable {
                    throw fail("expected \"=\" after var \(name)", hint: "give it a first value, e.g. var \(name) = nil")
                }
                throw fail("expected \"=\" after let \(name)", hint: "a let binding needs a value: let \(name) = ...")
            }
            _ = advance()
            skipNewlines()
            let value = try parseExpression()
            return LetStmt(name: name, mutable: mutable, value: value, nameRange: nameRange, range: range(from: start))
        case .keyword(.fn):
            if case .identifier = tokens[p + 1].kind {
                _ = advance()
                let (name, nameRange) = try expectIdentifier("after fn")
                let fn = try parseFunctionRest(name: name, start: start)
                return FnStmt(function: fn, nameRange: nameRange, range: range(from: start))
            }
        case .keyword(.return):
            _ = advance()
            if atNewline || atEOF || isPunct("}") || isPunct(";") { return ReturnStmt(value: nil, range: range(from: start)) }
            return ReturnStmt(value: try parseExpression(), range: range(from: start))
        case .keyword(.break):
            _ = advance(); return JumpStmt(kind: .break, range: range(from: start))
        case .keyword(.continue):
            _ = advance(); return JumpStmt(kind: .continue, range: range(from: start))
        case .keyword(.throw):
            _ = advance()
            return ThrowStmt(value: try parseExpression(), range: range(from: start))
        case .keyword(.while):
            _ = advance()
            let cond = try parseExpression(noMapLiteral: true)
            let body = try parseBlock("after while condition")
            return WhileStmt(condition: cond, body: body, range: range(from: start))
        case .keyword(.for):
            _ = advance()
            let (first, _) = try expectIdentifier("after for")
            var second: String? = nil
            if isPunct(",") {
                _ = advance()
                second = try expectIdentifier("after for \(first),").0
            }
            guard isKeyword(.in) else { throw fail("expected \"in\" after for \(first)", hint: "loops read: for item in list { ... }") }
            _ = advance()
            let iterable = try parseExpression(noMapLiteral: true)
            let body = try parseBlock("after for ... in ...")
            return ForStmt(first: first, second: second, iterable: iterable, body: body, range: range(from: start))
        case .keyword(.try):
            _ = advance()
            let body = try parseBlock("after try")
            guard continuesAfterNewlines({ if case .keyword(.catch) = $0.kind { return true }; return false }) else {
                throw fail("expected \"catch\" after the try block", hint: "write try { ... } catch err { ... }")
            }
            var clauses: [CatchClause] = []
            repeat {
                let catchToken = tok
                if clauses.contains(where: { $0.codes.isEmpty }) {
                    throw fail("this catch can never run: the catch before it takes every error", hint: "put the catch without codes last", at: catchToken)
                }
                clauses.append(try parseCatchClause())
            } while continuesAfterNewlines({ if case .keyword(.catch) = $0.kind { return true }; return false })
            return TryStmt(body: body, clauses: clauses, range: range(from: start))
        case .keyword(.defer):
            _ = advance()
            return DeferStmt(body: try parseBlock("after defer"), range: range(from: start))
        case .keyword(.import):
            _ = advance()
            guard case .string(let path) = tok.kind else { throw fail("expected a module name in quotes after import", hint: "import \"capvcd\" or import \"./lib/net.vs\" as net") }
            _ = advance()
            var alias: String
            if isKeyword(.as) {
                _ = advance()
                alias = try expectIdentifier("after as").0
            } else {
                alias = ImportStmt.defaultAlias(for: path)
                if alias.isEmpty || !alias.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) || alias.first!.isNumber {
                    throw fail("cannot name the module \"\(path)\" automatically", hint: "add a name: import \"\(path)\" as name")
                }
            }
            return ImportStmt(path: path, alias: alias, range: range(from: start))
        default:
            break
        }
        // `param` is a word only at the start of a statement followed by a name: `param = 1` still assigns.
        if case .identifier("param") = tok.kind, case .identifier = tokens[p + 1].kind { return try parseParam(start: start) }
        let expr = try parseExpression()
        if case .punct(let s) = tok.kind, let op = AssignOp(rawValue: s) {
            _ = advance()
            skipNewlines()
            let value = try parseExpression()
            guard expr is IdentExpr || expr is IndexExpr || (expr as? MemberExpr)?.optional == false else {
                throw ScriptError(.syntax, "cannot assign to this expression", at: expr.range,
                                  hint: "assign to a variable, an element xs[i], or a field m.key", compileTime: true)
            }
            return AssignStmt(target: expr, op: op, value: value, range: range(from: start))
        }
        return ExprStmt(expr)
    }

    private mutating func parseFunctionRest(name: String, start: Int) throws -> FunctionExpr {
        try expectPunct("(", "to start the parameters of \(name == "" ? "the function" : name)")
        var params: [Param] = []
        while !isPunct(")") {
            let (pname, prange) = try expectIdentifier("for a parameter")
            var def: Expr? = nil
            if isPunct("=") {
                _ = advance()
                def = try parseExpression()
            } else if let last = params.last, last.defaultValue != nil {
                throw ScriptError(.syntax, "parameter \(pname) needs a default value because \(last.name) has one",
                                  at: prange, hint: "put parameters with defaults last", compileTime: true)
            }
            if params.contains(where: { $0.name == pname }) {
                throw ScriptError(.syntax, "duplicate parameter \(pname)", at: prange, compileTime: true)
            }
            params.append(Param(name: pname, defaultValue: def, range: prange))
            if isPunct(",") { _ = advance() } else if !isPunct(")") {
                throw fail("expected \",\" or \")\" in the parameter list, found \(describe(tok))")
            }
        }
        _ = advance()
        let body = try parseBlock("for the function body")
        return FunctionExpr(name: name, params: params, body: body, range: range(from: start))
    }

    // MARK: expressions

    /// `noMapLiteral`: after `if`, `while` and `for ... in`, a `{` starts the block, not a map.
    private var noMapLiteral = false

    mutating func parseExpression(noMapLiteral: Bool = false) throws -> Expr {
        let saved = self.noMapLiteral
        self.noMapLiteral = noMapLiteral
        defer { self.noMapLiteral = saved }
        try enter(); defer { depth -= 1 }
        return try parsePipe()
    }

    private mutating func binaryOperatorAhead(_ ops: [String]) -> String? {
        for op in ops {
            if continuesAfterNewlines({ if case .punct(op) = $0.kind { return true }; return false }) { return op }
        }
        return nil
    }

    private mutating func parsePipe() throws -> Expr {
        var left = try parseCoalesce()
        while binaryOperatorAhead(["|>"]) != nil {
            _ = advance()
            skipNewlines()
            let rhs = try parseCoalesce()
            // x |> f(a) is f(x, a); x |> f is f(x).
            if let call = rhs as? CallExpr {
                left = CallExpr(callee: call.callee, args: [left] + call.args, named: call.named, range: left.range.to(rhs.range))
            } else {
                left = CallExpr(callee: rhs, args: [left], named: [], range: left.range.to(rhs.range))
            }
        }
        return left
    }

    private mutating func parseCoalesce() throws -> Expr {
        var left = try parseOr()
        while binaryOperatorAhead(["??"]) != nil {
            let opTok = advance()
            skipNewlines()
            let right = try parseOr()
            left = BinaryExpr(op: .coalesce, left: left, right: right, opRange: range(opTok), range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while isKeyword(.or) {
            let opTok = advance()
            skipNewlines()
            let right = try parseAnd()
            left = BinaryExpr(op: .or, left: left, right: right, opRange: range(opTok), range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while isKeyword(.and) {
            let opTok = advance()
            skipNewlines()
            let right = try parseNot()
            left = BinaryExpr(op: .and, left: left, right: right, opRange: range(opTok), range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if isKeyword(.not) {
            let t = advance()
            try enter(); defer { depth -= 1 }
            let operand = try parseNot()
            return UnaryExpr(op: .not, operand: operand, range: range(t).to(operand.range))
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expr {
        var left = try parseRange()
        while true {
            var op: BinaryOp? = nil
            let opTok = tok
            if case .punct(let s) = tok.kind, ["==", "!=", "<", "<=", ">", ">="].contains(s) { op = BinaryOp(rawValue: s) }
            else if isKeyword(.in) { op = .in }
            else if isKeyword(.not), case .keyword(.in) = tokens[p + 1].kind { _ = advance(); op = .notIn }
            guard let op else { break }
            _ = advance()
            skipNewlines()
            let right = try parseRange()
            left = BinaryExpr(op: op, left: left, right: right, opRange: range(opTok), range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseRange() throws -> Expr {
        let left = try parseAdditive()
        if isPunct("..<") || isPunct("...") {
            let inclusive = isPunct("...")
            _ = advance()
            let right = try parseAdditive()
            return RangeExpr(lower: left, upper: right, inclusive: inclusive, range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        while case .punct(let s) = tok.kind, s == "+" || s == "-" {
            let opTok = advance()
            skipNewlines()
            let right = try parseMultiplicative()
            left = BinaryExpr(op: BinaryOp(rawValue: s)!, left: left, right: right, opRange: range(opTok), range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseMultiplicative() throws -> Expr {
        var left = try parseUnary()
        while case .punct(let s) = tok.kind, s == "*" || s == "/" || s == "%" {
            let opTok = advance()
            skipNewlines()
            let right = try parseUnary()
            left = BinaryExpr(op: BinaryOp(rawValue: s)!, left: left, right: right, opRange: range(opTok), range: left.range.to(right.range))
        }
        return left
    }

    private mutating func parseUnary() throws -> Expr {
        if isPunct("-") {
            let t = advance()
            try enter(); defer { depth -= 1 }
            let operand = try parseUnary()
            // Fold negative literals so that the smallest integer can be written.
            if let lit = operand as? LiteralExpr {
                switch lit.value {
                case .int(Int.min) where file.text(lit.range.start..<lit.range.end).replacingOccurrences(of: "_", with: "") == "9223372036854775808":
                    // -9223372036854775808: the lexer could not know about the minus.
                    errors.removeAll { $0.range?.start == lit.range.start && $0.message.hasPrefix("integer literal") }
                    return LiteralExpr(.int(Int.min), range: range(t).to(operand.range))
                case .int(let v) where v != Int.min: return LiteralExpr(.int(-v), range: range(t).to(operand.range))
                case .float(let v): return LiteralExpr(.float(-v), range: range(t).to(operand.range))
                case .duration(let v): return LiteralExpr(.duration(-v), range: range(t).to(operand.range))
                default: break
                }
            }
            return UnaryExpr(op: .negate, operand: operand, range: range(t).to(operand.range))
        }
        if isPunct("!") {
            throw fail("\"!\" is not an operator in vcdscript", hint: "use `not` for negation")
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        var nested = 0
        defer { depth -= nested }
        while true {
            if isPunct("(") {
                expr = try parseCall(expr)
            } else if isPunct("[") {
                _ = advance()
                let index = try parseExpression()
                try expectPunct("]", "to close the index")
                expr = IndexExpr(object: expr, index: index, range: expr.range.to(range(tokens[p - 1])))
            } else if continuesAfterNewlines({ if case .punct(let s) = $0.kind { return s == "." || s == "?." }; return false }) {
                let optional = isPunct("?.")
                _ = advance()
                var name: String
                let nameTok = tok
                switch tok.kind {
                case .identifier(let n): name = n
                case .keyword(let k): name = k.rawValue // m.in, x.catch: member names may be keywords
                default: throw fail("expected a member name after \(optional ? "?." : ".")", hint: "for example gw.name")
                }
                _ = advance()
                expr = MemberExpr(object: expr, name: name, optional: optional, nameRange: range(nameTok), range: expr.range.to(range(nameTok)))
            } else {
                break
            }
            nested += 1
            try enter()
        }
        return expr
    }

    private mutating func parseCall(_ callee: Expr) throws -> Expr {
        _ = advance() // (
        var args: [Expr] = []
        var named: [NamedArg] = []
        while !isPunct(")") {
            if atEOF { throw fail("unexpected end of input: missing \")\" to close the call") }
            if case .identifier(let n) = tok.kind, case .punct(":") = tokens[p + 1].kind {
                let nt = advance(); _ = advance()
                let v = try parseExpression()
                if named.contains(where: { $0.name == n }) {
                    throw ScriptError(.syntax, "argument \(n) is given twice", at: range(nt), compileTime: true)
                }
                named.append(NamedArg(name: n, value: v, nameRange: range(nt)))
            } else {
                let v = try parseExpression()
                if !named.isEmpty {
                    throw ScriptError(.syntax, "positional argument after named arguments", at: v.range,
                                      hint: "put positional arguments first: f(a, b, name: c)", compileTime: true)
                }
                args.append(v)
            }
            if isPunct(",") { _ = advance() } else if !isPunct(")") {
                if atEOF { throw fail("unexpected end of input: missing \")\" to close the call") }
                throw fail("expected \",\" or \")\" in the argument list, found \(describe(tok))")
            }
        }
        _ = advance()
        return CallExpr(callee: callee, args: args, named: named, range: callee.range.to(range(tokens[p - 1])))
    }

    private mutating func parsePrimary() throws -> Expr {
        let t = tok
        switch t.kind {
        case .int(let v): _ = advance(); return LiteralExpr(.int(v), range: range(t))
        case .float(let v): _ = advance(); return LiteralExpr(.float(v), range: range(t))
        case .duration(let v): _ = advance(); return LiteralExpr(.duration(v), range: range(t))
        case .string(let s): _ = advance(); return LiteralExpr(.string(s), range: range(t))
        case .interpolated(let parts):
            _ = advance()
            var out: [InterpolationExpr.Part] = []
            for part in parts {
                switch part {
                case .text(let s): out.append(.text(s))
                case .code(let whole, let offset):
                    // `${x:>8}`: the code before the first top-level colon, then a format spec.
                    var code = whole
                    var spec: FormatSpec? = nil
                    if let colon = FormatSpec.specColon(in: whole) {
                        code = String(whole[..<colon])
                        let specStart = offset + code.utf8.count + 1
                        do { spec = try FormatSpec.parse(String(whole[whole.index(after: colon)...])) } catch let e as ScriptError {
                            throw ScriptError(.syntax, e.message, at: SourceRange(file: file, start: specStart, end: offset + whole.utf8.count),
                                              hint: e.hint, compileTime: true)
                        }
                    }
                    var sub = Parser(file: file, start: offset, end: offset + code.utf8.count, depth: depth)
                    sub.skipNewlines()
                    if sub.atEOF {
                        throw ScriptError(.syntax, "empty ${} in string", at: range(t), hint: "put an expression inside ${...}", compileTime: true)
                    }
                    do {
                        let e = try sub.parseExpression()
                        sub.skipNewlines()
                        if !sub.atEOF { throw sub.fail("unexpected \(sub.describe(sub.tok)) inside ${...}") }
                        if let spec {
                            out.append(.expr(FormatExpr(value: e, spec: spec, range: SourceRange(file: file, start: offset, end: offset + whole.utf8.count))))
                        } else {
                            out.append(.expr(e))
                        }
                    } catch let e as ScriptError {
                        e.atEndOfInput = false
                        throw e
                    } catch {
                        // Nesting too deep inside the interpolation: its error is in sub.errors.
                        errors.append(contentsOf: sub.errors)
                        throw error
                    }
                    if !sub.errors.isEmpty { errors.append(contentsOf: sub.errors) }
                }
            }
            return InterpolationExpr(parts: out, range: range(t))
        case .keyword(.nil): _ = advance(); return LiteralExpr(.null, range: range(t))
        case .keyword(.true): _ = advance(); return LiteralExpr(.bool(true), range: range(t))
        case .keyword(.false): _ = advance(); return LiteralExpr(.bool(false), range: range(t))
        case .identifier(let name): _ = advance(); return IdentExpr(name: name, range: range(t))
        case .keyword(.fn):
            _ = advance()
            return try parseFunctionRest(name: "", start: t.start)
        case .keyword(.if):
            return try parseIf()
        case .punct("("):
            _ = advance()
            let e = try parseExpression()
            if atEOF { throw fail("unexpected end of input: missing \")\"") }
            try expectPunct(")", "to close the parenthesis")
            return e
        case .punct("["):
            _ = advance()
            var items: [Expr] = []
            while !isPunct("]") {
                if atEOF { throw fail("unexpected end of input: missing \"]\" to close the list") }
                items.append(try parseExpression())
                if isPunct(",") { _ = advance() } else if !isPunct("]") {
                    if atEOF { throw fail("unexpected end of input: missing \"]\" to close the list") }
                    throw fail("expected \",\" or \"]\" in the list, found \(describe(tok))")
                }
            }
            _ = advance()
            return ListExpr(items: items, range: range(from: t.start))
        case .punct("{") where !noMapLiteral || looksLikeMap():
            return try parseMap()
        case .eof:
            throw fail("unexpected end of input: expected an expression")
        case .keyword(let k):
            var hint: String? = nil
            if k == .else { hint = "else must follow the closing } of an if block on the same line or the next" }
            throw fail("expected an expression, found keyword \"\(k.rawValue)\"", hint: hint)
        default:
            throw fail("expected an expression, found \(describe(t))")
        }
    }

    /// After `if`/`while`/`for ... in`, a `{` starts the block unless it is clearly a map:
    /// `{key: ...` (a block never starts with `name:`).
    private func looksLikeMap() -> Bool {
        var q = p + 1
        while q < tokens.count, case .newline = tokens[q].kind { q += 1 }
        guard q + 1 < tokens.count else { return false }
        switch tokens[q].kind {
        case .identifier, .string, .int:
            if case .punct(":") = tokens[q + 1].kind { return true }
        default: break
        }
        return false
    }

    private mutating func parseIf() throws -> Expr {
        let start = tok.start
        _ = advance()
        let cond = try parseExpression(noMapLiteral: true)
        let then = try parseBlock("after the if condition")
        var otherwise: BlockStmt? = nil
        if continuesAfterNewlines({ if case .keyword(.else) = $0.kind { return true }; return false }) {
            _ = advance()
            if isKeyword(.if) {
                let nestedIf = try parseIf()
                otherwise = BlockStmt(statements: [ExprStmt(nestedIf)], range: nestedIf.range)
            } else {
                otherwise = try parseBlock("after else")
            }
        }
        return IfExpr(condition: cond, then: then, otherwise: otherwise, range: range(from: start))
    }

    private mutating func parseMap() throws -> Expr {
        let start = tok.start
        _ = advance()
        var entries: [(key: Expr, value: Expr)] = []
        skipNewlines()
        while !isPunct("}") {
            if atEOF { throw fail("unexpected end of input: missing \"}\" to close the map") }
            var key: Expr
            switch tok.kind {
            case .identifier(let n):
                let kt = advance(); key = LiteralExpr(.string(n), range: range(kt))
            case .keyword(let k):
                let kt = advance(); key = LiteralExpr(.string(k.rawValue), range: range(kt))
            case .string(let s):
                let kt = advance(); key = LiteralExpr(.string(s), range: range(kt))
            case .int(let v):
                let kt = advance(); key = LiteralExpr(.int(v), range: range(kt))
            case .punct("["):
                _ = advance()
                key = try parseExpression()
                try expectPunct("]", "to close the computed key")
            default:
                throw fail("expected a key in the map, found \(describe(tok))", hint: "keys are names, strings or [expressions]: {name: \"x\", \"k-2\": 2}")
            }
            try expectPunct(":", "after the map key")
            skipNewlines()
            let value = try parseExpression()
            entries.append((key, value))
            skipNewlines()
            if isPunct(",") { _ = advance(); skipNewlines() } else if !isPunct("}") {
                if atEOF { throw fail("unexpected end of input: missing \"}\" to close the map") }
                throw fail("expected \",\" or \"}\" in the map, found \(describe(tok))")
            }
        }
        _ = advance()
        return MapExpr(entries: entries, range: range(from: start))
    }
}

extension ImportStmt {
    /// `import "capvcd"` binds `capvcd`; `import "./lib/net.vs"` binds `net`.
    static func defaultAlias(for path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".vs") { name.removeLast(3) }
        return name.replacingOccurrences(of: "-", with: "_")
    }
}

// MARK: parameter declarations

extension Parser {
    /// `param NAME [as BINDING] [: TYPE] [= DEFAULT] {, required | doc: "…" | allowed: [...] | check: EXPR}`;
    /// the options may continue on the next line after a comma.
    fileprivate mutating func parseParam(start: Int) throws -> Stmt {
        _ = advance()
        let (name, nameRange) = try expectIdentifier("after param")
        var binding = name
        if isKeyword(.as) {
            _ = advance()
            binding = try expectIdentifier("after param \(name) as").0
        }
        let types = DeclaredParameter.ValueType.allCases.map(\.rawValue)
        var type: DeclaredParameter.ValueType? = nil
        if isPunct(":") {
            _ = advance()
            let (typeName, typeRange) = try expectIdentifier("for the type of parameter \(name)")
            guard let t = DeclaredParameter.ValueType(rawValue: typeName) else {
                throw ScriptError(.syntax, "unknown parameter type \(typeName)", at: typeRange,
                                  hint: "a parameter is one of: \(types.joined(separator: ", "))",
                                  suggestion: Spelling.closest(to: typeName, in: types), compileTime: true)
            }
            type = t
        }
        var defaultValue: Expr? = nil
        if isPunct("=") {
            _ = advance()
            skipNewlines()
            defaultValue = try parseExpression()
        }
        var required = false, doc = "", allowed: ListExpr? = nil, check: Expr? = nil
        while isPunct(",") {
            _ = advance()
            skipNewlines()
            let (option, optionRange) = try expectIdentifier("for an option of parameter \(name) (required, doc:, allowed:, check:)")
            if option == "required" { required = true; continue }
            guard ["doc", "allowed", "check"].contains(option) else {
                throw ScriptError(.syntax, "unknown option \(option) of parameter \(name)", at: optionRange,
                                  hint: "the options are: required, doc: \"…\", allowed: [...], check: fn(v) { ... }",
                                  suggestion: Spelling.closest(to: option, in: ["required", "doc", "allowed", "check"]), compileTime: true)
            }
            try expectPunct(":", "after \(option)")
            skipNewlines()
            switch option {
            case "doc":
                guard case .string(let text) = tok.kind else {
                    throw fail("the doc of parameter \(name) must be a plain string in quotes",
                               hint: "--help prints it without running the script: no ${...} in it")
                }
                _ = advance()
                doc = text
            case "allowed":
                let e = try parseExpression()
                guard let list = e as? ListExpr, !list.items.isEmpty, list.items.allSatisfy(Self.isConstant) else {
                    throw ScriptError(.syntax, "the allowed values of parameter \(name) must be a list of literals", at: e.range,
                                      hint: "e.g. allowed: [\"small\", \"large\"]; --help prints them without running the script", compileTime: true)
                }
                allowed = list
            default:
                check = try parseExpression()
            }
        }
        let whole = range(from: start)
        if required && defaultValue != nil {
            throw ScriptError(.syntax, "parameter \(name) is required and has a default", at: whole,
                              hint: "drop the default (the user must give it) or drop required (the default is used)", compileTime: true)
        }
        if type == nil, let d = defaultValue {
            type = Self.inferredType(of: d)
            if type == nil {
                throw ScriptError(.syntax, "give parameter \(name) a type: its default is not a literal", at: d.range,
                                  hint: "param \(name): string = ... (types: \(types.joined(separator: ", ")))", compileTime: true)
            }
        }
        if type == nil && required {
            throw ScriptError(.syntax, "give required parameter \(name) a type", at: whole,
                              hint: "param \(name): string, required (types: \(types.joined(separator: ", ")))", compileTime: true)
        }
        return ParamStmt(name: name, binding: binding, nameRange: nameRange, type: type, defaultValue: defaultValue, required: required,
                         doc: doc, allowed: allowed, check: check, range: whole)
    }

    /// A literal, or a negative number literal.
    static func isConstant(_ e: Expr) -> Bool {
        if e is LiteralExpr { return true }
        if let u = e as? UnaryExpr, u.op == .negate { return u.operand is LiteralExpr }
        return false
    }

    /// The type a literal default implies: "x" string, 8 int, true bool, 30m duration, [..] list.
    static func inferredType(of e: Expr) -> DeclaredParameter.ValueType? {
        if e is ListExpr { return .list }
        guard let lit = e as? LiteralExpr else { return nil }
        switch lit.value {
        case .string: return .string
        case .int: return .int
        case .bool: return .bool
        case .duration: return .duration
        default: return nil
        }
    }
}
