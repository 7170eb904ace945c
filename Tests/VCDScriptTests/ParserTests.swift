import XCTest
@testable import VCDScript

final class ParserTests: XCTestCase {
    private func parse(_ text: String) throws -> Program { try Parser.parse(SourceFile(name: "t", text: text)) }

    private func errors(_ text: String) -> [ScriptError] {
        do { _ = try parse(text); return [] } catch let e as ScriptErrors { return e.errors } catch { XCTFail("\(error)"); return [] }
    }

    private func expr(_ text: String) throws -> Expr {
        let p = try parse(text)
        guard let s = p.statements.first as? ExprStmt else { throw ScriptError(.syntax, "not an expression") }
        return s.expr
    }

    /// The tree in a compact prefix form, to compare shapes.
    private func show(_ e: Expr) -> String {
        switch e {
        case let l as LiteralExpr: return Formatter.repr(l.value)
        case let i as IdentExpr: return i.name
        case let b as BinaryExpr: return "(\(b.op.rawValue) \(show(b.left)) \(show(b.right)))"
        case let u as UnaryExpr: return "(\(u.op.rawValue) \(show(u.operand)))"
        case let c as CallExpr:
            return "(call \(show(c.callee))" + c.args.map { " " + show($0) }.joined() + c.named.map { " \($0.name): \(show($0.value))" }.joined() + ")"
        case let m as MemberExpr: return "(\(m.optional ? "?." : ".") \(show(m.object)) \(m.name))"
        case let i as IndexExpr: return "([] \(show(i.object)) \(show(i.index)))"
        case let r as RangeExpr: return "(\(r.inclusive ? "..." : "..<") \(show(r.lower)) \(show(r.upper)))"
        case let l as ListExpr: return "[" + l.items.map(show).joined(separator: " ") + "]"
        case is IfExpr: return "if"
        case is FunctionExpr: return "fn"
        default: return "?"
        }
    }

    func testPrecedence() throws {
        XCTAssertEqual(show(try expr("1 + 2 * 3 - 4")), "(- (+ 1 (* 2 3)) 4)")
        XCTAssertEqual(show(try expr("a or b and not c == d")), "(or a (and b (not (== c d))))")
        XCTAssertEqual(show(try expr("a ?? b or c")), "(?? a (or b c))")
        XCTAssertEqual(show(try expr("x in 0..<n + 1")), "(in x (..< 0 (+ n 1)))")
        XCTAssertEqual(show(try expr("-a.b[0]")), "(- ([] (. a b) 0))")
        XCTAssertEqual(show(try expr("a not in b")), "(not in a b)")
    }

    func testPipeBecomesACall() throws {
        XCTAssertEqual(show(try expr("x |> f(1, k: 2) |> g")), "(call g (call f x 1 k: 2))")
    }

    func testNegativeLiteralsAreFolded() throws {
        XCTAssertEqual(show(try expr("-9223372036854775807")), "-9223372036854775807")
        XCTAssertEqual(show(try expr("-9223372036854775808")), "-9223372036854775808")
        XCTAssertEqual(errors("x - 9223372036854775808").first?.message, "integer literal 9223372036854775808 does not fit in 64 bits")
        XCTAssertTrue(try expr("-5s") is LiteralExpr)
        XCTAssertTrue(try expr("-x") is UnaryExpr)
    }

    func testMemberChainsContinueOnTheNextLine() throws {
        XCTAssertEqual(show(try expr("a\n  .b()\n  ?.c")), "(?. (call (. a b)) c)")
    }

    func testBlockAfterIfIsNotAMap() throws {
        let p = try parse("if x { y } else { z }\nlet m = {y: 1}")
        XCTAssertTrue((p.statements[0] as? ExprStmt)?.expr is IfExpr)
        XCTAssertTrue((p.statements[1] as? LetStmt)?.value is MapExpr)
    }

    func testStatements() throws {
        let p = try parse("""
        let a = 1
        var b = 2; b += 1
        fn f(x, y = 2) { return x }
        for k, v in m { continue }
        while false { break }
        try { throw "x" } catch e { }
        defer { }
        import "./lib/net-tools.vs"
        """)
        let kinds = p.statements.map { String(describing: type(of: $0)) }
        XCTAssertEqual(kinds, ["LetStmt", "LetStmt", "AssignStmt", "FnStmt", "ForStmt", "WhileStmt", "TryStmt", "DeferStmt", "ImportStmt"])
        XCTAssertEqual((p.statements[8] as? ImportStmt)?.alias, "net_tools")
        XCTAssertEqual((p.statements[3] as? FnStmt)?.function.params.map(\.name), ["x", "y"])
        XCTAssertEqual((p.statements[4] as? ForStmt)?.second, "v")
    }

    func testRecoveryReportsEveryBadStatement() {
        let errs = errors("let = 1\nlet ok = 2\nlet x = * 3\nfn f() {\n  let = 4\n  print(1)\n}\nprint(ok")
        XCTAssertEqual(errs.map { $0.range!.line }, [1, 3, 5, 8])
        XCTAssertTrue(errs.allSatisfy(\.isCompileTime))
    }

    func testEndOfInputIsMarkedForTheREPL() {
        for incomplete in ["1 +", "fn f() {", "[1, 2", "if x {\n print(1)", "f(1,", "let m = {a: 1,", "let t = \"\"\"\n  text", "print(\"\"\""] {
            let errs = errors(incomplete)
            XCTAssertFalse(errs.isEmpty, incomplete)
            XCTAssertTrue(errs.contains(where: \.atEndOfInput), "\(incomplete): \(errs.map(\.message))")
        }
        for wrong in ["1 + )", "let = 2", "f(1 2)", "let s = \"open on one line"] {
            XCTAssertFalse(errors(wrong).contains(where: \.atEndOfInput), wrong)
        }
    }

    func testDeepNestingIsOneErrorNotACrash() {
        for text in [String(repeating: "(", count: 100_000) + "1", String(repeating: "[", count: 50_000),
                     String(repeating: "not ", count: 50_000) + "x", "x" + String(repeating: ".a", count: 50_000),
                     String(repeating: "if x {", count: 20_000)] {
            let errs = errors(text)
            XCTAssertEqual(errs.count, 1)
            XCTAssertTrue(errs.first?.message.contains("nesting is too deep") ?? false, "\(errs.map(\.message))")
        }
    }

    func testStrayClosingBracesEndInErrorsNotALoop() {
        XCTAssertEqual(errors("}").map(\.message), ["unmatched \"}\": no block is open here"])
        XCTAssertEqual(errors("x = 1 }\n}}\nfn f() { } }").count, 4)
        XCTAssertEqual(errors("let a = ]\n)").count, 2)
    }

    func testAssignmentTargets() {
        XCTAssertEqual(errors("a.b[0].c = 1\nx[1] += 2").count, 0)
        XCTAssertEqual(errors("f() = 1").first?.message, "cannot assign to this expression")
        XCTAssertEqual(errors("a?.b = 1").first?.message, "cannot assign to this expression")
    }

    func testInterpolatedExpressionsAreParsed() throws {
        guard let e = try expr("\"v=${a + 1}!\"") as? InterpolationExpr else { return XCTFail() }
        XCTAssertEqual(e.parts.count, 3)
        guard case .expr(let inner) = e.parts[1] else { return XCTFail() }
        XCTAssertEqual(show(inner), "(+ a 1)")
        XCTAssertEqual(inner.range.column, 6) // ranges point into the original file
    }
}
