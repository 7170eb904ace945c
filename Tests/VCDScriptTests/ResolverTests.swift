import XCTest
@testable import VCDScript

final class ResolverTests: XCTestCase {
    private func resolve(_ text: String, builtins: [String] = ["print", "len"]) throws -> (Program, GlobalTable) {
        let program = try Parser.parse(SourceFile(name: "t", text: text))
        let globals = GlobalTable()
        let table = BuiltinTable()
        for b in builtins { table.define(b, .null) }
        try Resolver.resolve(program, globals: globals, builtins: table, allowRedeclare: false)
        return (program, globals)
    }

    private func errors(_ text: String) -> [ScriptError] {
        do { _ = try resolve(text); return [] } catch let e as ScriptErrors { return e.errors } catch { XCTFail("\(error)"); return [] }
    }

    func testTopLevelNamesAreGlobalsAndHoisted() throws {
        let (p, globals) = try resolve("print(f())\nfn f() { g }\nlet g = 1")
        XCTAssertEqual(globals.names, ["f", "g"])
        let call = (p.statements[0] as! ExprStmt).expr as! CallExpr
        guard case .builtin = (call.callee as! IdentExpr).binding else { return XCTFail("print should be a builtin") }
        guard case .global(0) = ((call.args[0] as! CallExpr).callee as! IdentExpr).binding else { return XCTFail("f should be global 0") }
    }

    func testLocalsGetSlotsAndCapturedOnesGetCells() throws {
        let (p, _) = try resolve("""
        fn outer(a) {
            let b = 1
            var c = 2
            let inner = fn() { c += a }
            return b
        }
        """)
        let f = (p.statements[0] as! FnStmt).function
        XCTAssertEqual(f.info.slotCount, 4) // a, b, c, inner
        XCTAssertEqual(Set(f.info.cellVars.map(\.name)), ["c", "a"])
        XCTAssertEqual(f.info.cellVars.map(\.cellIndex), [0, 1])
        XCTAssertTrue(f.info.needsCellFrame)
        XCTAssertEqual(f.info.params.map(\.captured), [true])
        let body = f.body.statements
        let innerFn = (body[2] as! LetStmt).value as! FunctionExpr
        XCTAssertFalse(innerFn.info.needsCellFrame) // it only reaches up; it owns no cells
        let ret = (body[3] as! ReturnStmt).value as! IdentExpr
        guard case .local(let b) = ret.binding else { return XCTFail("b should be local") }
        XCTAssertEqual(b.slot, 1)
        XCTAssertFalse(b.captured)
    }

    func testDepthCountsFunctionsBetweenUseAndDeclaration() throws {
        let (p, _) = try resolve("fn a() {\n var x = 1\n fn b() { fn c() { x } }\n}")
        let fa = (p.statements[0] as! FnStmt).function
        let fb = (fa.body.statements[1] as! FnStmt).function
        let fc = (fb.body.statements[0] as! FnStmt).function
        let use = (fc.body.statements[0] as! ExprStmt).expr as! IdentExpr
        guard case .outer(let v, let depth) = use.binding else { return XCTFail("\(use.binding)") }
        XCTAssertEqual(v.name, "x")
        XCTAssertEqual(depth, 2)
        XCTAssertTrue(fb.info.needsCellFrame) // the chain passes through b
    }

    func testUnknownNamesSuggestTheClosestVisibleName() {
        let errs = errors("let gateway = 1\nfn f(count) { gatewya + cuont + lne(1) + zzzzzz }")
        XCTAssertEqual(errs.map(\.message), ["unknown name gatewya", "unknown name cuont", "unknown name lne", "unknown name zzzzzz"])
        XCTAssertEqual(errs.map(\.suggestion), ["gateway", "count", "len", nil])
        XCTAssertTrue(errs.allSatisfy { $0.kind == .name && $0.isCompileTime })
    }

    func testAssignmentRules() {
        XCTAssertEqual(errors("let a = 1\na = 2").first?.message, "cannot assign to a: it is a constant")
        XCTAssertEqual(errors("fn f() { let a = 1; a += 1 }").first?.message, "cannot assign to a: it is declared with let")
        XCTAssertEqual(errors("len = 1").first?.message, "cannot assign to the builtin len")
        XCTAssertEqual(errors("var a = 1\na = 2\nfn f(p) { p = 3 }").count, 0)
    }

    func testDeclarationsCannotCollide() {
        XCTAssertEqual(errors("let a = 1\nlet a = 2").first?.message, "a is already defined at line 1")
        XCTAssertEqual(errors("fn f() { let a = 1\n let a = 2 }").first?.message, "a is already declared in this block, at line 1")
        XCTAssertEqual(errors("fn f() { let a = 1\n if true { let a = 2 } }").count, 0)
    }

    func testLoopsAndImports() {
        XCTAssertEqual(errors("break").first?.message, "break outside a loop")
        XCTAssertEqual(errors("while true { fn f() { continue } }").first?.message, "continue outside a loop")
        XCTAssertEqual(errors("for x in [] { defer { break } }").first?.message, "break outside a loop")
        XCTAssertEqual(errors("fn f() { import \"x\" }").first?.message, "import is only allowed at the top level of a file")
        XCTAssertEqual(errors("for x in [] { if x { break } }").count, 0)
    }

    func testBlockVariablesAreNotVisibleOutside() {
        XCTAssertEqual(errors("if true { let inner = 1 }\nprint(inner)").first?.message, "unknown name inner")
        XCTAssertEqual(errors("try { } catch e { }\nprint(e)").first?.message, "unknown name e")
    }
}
