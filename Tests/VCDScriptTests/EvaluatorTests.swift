import XCTest
@testable import VCDScript

final class EvaluatorTests: XCTestCase {
    private var printed: [String] = []

    private func interpreter(_ configure: (inout InterpreterOptions) -> Void = { _ in }) -> Interpreter {
        var o = InterpreterOptions()
        o.output = { [unowned self] in self.printed.append($0) }
        configure(&o)
        return Interpreter(options: o)
    }

    private func run(_ code: String, in interp: Interpreter? = nil) throws -> Value {
        let i = interp ?? interpreter()
        var result: Result<Value, Error>!
        result = LargeStack.run { Result { try i.run(source: code, name: "t") } }
        return try result.get()
    }

    private func runError(_ code: String, in interp: Interpreter? = nil) -> ScriptError? {
        do { _ = try run(code, in: interp); return nil } catch let e as ScriptError { return e } catch { XCTFail("\(error)"); return nil }
    }

    func testAScriptsValueIsItsLastExpression() throws {
        XCTAssertEqual(Formatter.repr(try run("let a = 2\na * 21")), "42")
        XCTAssertEqual(Formatter.repr(try run("fn f() { [1, {k: \"v\"}] }\nf()")), "[1, {k: \"v\"}]")
    }

    func testPrintGoesToTheConfiguredOutput() throws {
        _ = try run("print(1, \"a\")\nprint([1])")
        XCTAssertEqual(printed, ["1 a", "[1]"])
    }

    func testGlobalsPersistAcrossRunsOfTheMainModule() throws {
        let i = interpreter()
        _ = try run("var n = 1", in: i)
        _ = try run("n += 1", in: i)
        XCTAssertEqual(Formatter.repr(try run("n", in: i)), "2")
        XCTAssertThrowsError(try run("let n = 5", in: i)) { XCTAssertTrue($0 is ScriptErrors, "\($0)") }
    }

    func testTheREPLBindsUnderscoreAndAllowsRedeclaring() throws {
        let i = interpreter()
        let v = try LargeStack.run { Result { try i.evaluateREPL("let x = 20\nx + 1") } }.get()
        XCTAssertEqual(v.map { Formatter.repr($0) }, "21")
        _ = try LargeStack.run { Result { try i.evaluateREPL("let x = _ * 2") } }.get()
        XCTAssertEqual(i.main.global("x").map { Formatter.repr($0) }, "42")
        XCTAssertNil(try LargeStack.run { Result { try i.evaluateREPL("let y = 1") } }.get())
    }

    func testAFunctionDeclaredAgainInTheREPLIsTheOneCalled() throws {
        let i = interpreter()
        // A script's functions are bound for the lean call path; declaring one again in the
        // REPL must still reach callers compiled before.
        _ = try run("fn g() { 1 }\nfn h() { g() }", in: i)
        XCTAssertEqual(Formatter.repr(try run("h()", in: i)), "1")
        _ = try LargeStack.run { Result { try i.evaluateREPL("fn g() { 2 }") } }.get()
        XCTAssertEqual(try LargeStack.run { Result { try i.evaluateREPL("h()") } }.get().map { Formatter.repr($0) }, "2")
        _ = try LargeStack.run { Result { try i.evaluateREPL("var g = fn() { 3 }") } }.get()
        XCTAssertEqual(try LargeStack.run { Result { try i.evaluateREPL("h()") } }.get().map { Formatter.repr($0) }, "3")
        _ = try LargeStack.run { Result { try i.evaluateREPL("g = fn() { 4 }") } }.get()
        XCTAssertEqual(try LargeStack.run { Result { try i.evaluateREPL("h()") } }.get().map { Formatter.repr($0) }, "4")
        _ = try LargeStack.run { Result { try i.evaluateREPL("g = 5") } }.get()
        XCTAssertThrowsError(try LargeStack.run { Result { try i.evaluateREPL("h()") } }.get()) {
            XCTAssertEqual(($0 as? ScriptError)?.kind, .type, "\($0)")
        }
    }

    func testStepLimitStopsLoopsAndCannotBeCaught() {
        let i = interpreter { $0.maxSteps = 10_000 }
        let e = runError("try { while true { } } catch e { print(\"caught\") }", in: i)
        XCTAssertEqual(e?.kind, .limit)
        XCTAssertEqual(printed, [])
    }

    func testStepLimitStopsRecursionWithoutLoops() {
        let i = interpreter { $0.maxSteps = 10_000 }
        // Exponential recursion without loops: calls count as steps.
        let e = runError("fn f(n) { if n == 0 { 0 } else { f(n - 1) + f(n - 1) } }\nf(40)", in: i)
        XCTAssertEqual(e?.kind, .limit)
    }

    func testInterruptCancelsAndCannotBeCaught() {
        var checks = 0
        let i = interpreter { $0.interruptCheck = { checks += 1; return checks > 3 } }
        let e = runError("try { while true { } } catch e { print(\"caught\") }", in: i)
        XCTAssertEqual(e?.kind, .cancelled)
        XCTAssertEqual(printed, [])
    }

    func testCallDepthOption() {
        let i = interpreter { $0.maxCallDepth = 50 }
        XCTAssertNoThrow(try run("fn d(n) { if n == 0 { 0 } else { d(n - 1) } }\nd(40)", in: i))
        XCTAssertEqual(runError("d(60)", in: i)?.kind, .recursion)
        // The interpreter is usable after the error.
        XCTAssertEqual(Formatter.repr(try run("d(10)", in: i)), "0")
    }

    func testHostFunctionsBindNamedArguments() throws {
        let i = interpreter()
        i.define(NativeFunction("greet", params: [Parameter("name"), Parameter("greeting", default: .string("hello"))]) { a, _ in
            .string("\(try a.string(1)) \(try a.string(0))")
        })
        XCTAssertEqual(Formatter.str(try run("greet(\"x\")", in: i)), "hello x")
        XCTAssertEqual(Formatter.str(try run("greet(greeting: \"hi\", name: \"y\")", in: i)), "hi y")
        let e = runError("greet(\"x\", greting: \"yo\")", in: i)
        XCTAssertEqual(e?.kind, .argument)
        XCTAssertEqual(e?.suggestion, "greeting")
        XCTAssertEqual(runError("greet(1)", in: i)?.message, "greet(): argument name must be a string, not int")
    }

    func testHostErrorsBecomeHostFaults() {
        struct Boom: Error {}
        let i = interpreter()
        i.define(NativeFunction("boom", params: []) { _, _ in throw Boom() })
        let e = runError("boom()", in: i)
        XCTAssertEqual(e?.kind, .host)
        XCTAssertEqual(e?.exitCode, 70)
        XCTAssertEqual(e?.range?.line, 1)
    }

    func testNativeTypes() throws {
        final class Counter: NativeObject {
            var n = 0
            static let type: NativeType = {
                let t = NativeType(name: "counter", doc: "counts")
                t.property("n", get: { o, _ in .int((o as! Counter).n) }, set: { o, v, _ in
                    guard case .int(let x) = v else { throw ScriptError(.type, "n must be an int") }
                    (o as! Counter).n = x
                })
                t.property("label") { _, _ in .string("c") }
                t.method("add", params: [Parameter("by", default: .int(1))]) { o, a, _ in
                    (o as! Counter).n += try a.int(0); return .int((o as! Counter).n)
                }
                t.iterate = { o, _ in (0..<(o as! Counter).n).map { .int($0) } }
                return t
            }()
            init() { super.init(type: Counter.type) }
        }
        let i = interpreter()
        let c = Counter()
        i.define("c", .object(c))
        _ = try run("c.add()\nc.add(by: 2)\nc.n += 1", in: i)
        XCTAssertEqual(c.n, 4)
        XCTAssertEqual(Formatter.repr(try run("[type(c), len(c), list(c), c.label, dir(c)]", in: i)),
                       "[\"counter\", 4, [0, 1, 2, 3], \"c\", [\"n\", \"label\", \"add\"]]")
        XCTAssertEqual(runError("c.label = \"x\"", in: i)?.message, "counter.label is read-only")
        XCTAssertEqual(runError("c.ad()", in: i)?.suggestion, "add")
        XCTAssertEqual(runError("c.n = \"x\"", in: i)?.message, "n must be an int")
    }

    func testSecretsNeverPrint() throws {
        let i = interpreter()
        let e = runError("let s = secret(\"pw123\")\nprint(s, [s], \"${s}\")\nthrow error(\"E\", \"bad ${s}\")", in: i)
        XCTAssertEqual(printed, ["******** [********] ********"])
        let rendered = DiagnosticRenderer(color: false).render(e!)
        XCTAssertFalse(rendered.contains("pw123"))
        XCTAssertTrue(rendered.contains("bad ********"))
    }

    func testCallingScriptFunctionsFromTheHost() throws {
        let i = interpreter()
        let f = try run("fn(a, b = 10) { a + b }", in: i)
        let v = try LargeStack.run { Result { try i.call(f, [.int(1)]) } }.get()
        XCTAssertEqual(Formatter.repr(v), "11")
        let w = try LargeStack.run { Result { try i.call(f, [.int(1)], named: [(name: "b", value: .int(2))]) } }.get()
        XCTAssertEqual(Formatter.repr(w), "3")
    }

    func testRenderedDiagnosticHasCaretHintAndTraceback() {
        let e = runError("fn f(m) {\n  m.nmae\n}\nf({name: 1})")!
        let text = DiagnosticRenderer(color: false).render(e)
        XCTAssertEqual(text, """
        error[key]: no key "nmae" in the map
         --> t:2:5
          |
        2 |   m.nmae
          |     ^^^^
           = did you mean "name"?
           = hint: use .get("nmae") or ?? for keys that may be missing
        traceback (most recent call last):
          t:4:1 in <script>
          t:2:5 in f
        """)
    }

    func testCheckFindsErrorsWithoutRunning() {
        let i = interpreter()
        XCTAssertThrowsError(try i.check(source: "print(1)\nprint(nope)", name: "c")) { e in
            XCTAssertEqual((e as? ScriptErrors)?.errors.first?.message, "unknown name nope")
        }
        XCTAssertNoThrow(try i.check(source: "print(1)", name: "c"))
        XCTAssertEqual(printed, [])
    }

    func testShTakesItsNamedArgumentsAfterTheVariadicOnes() throws {
        // check: false returns a failing program's code instead of throwing; input: reaches stdin.
        let failed = try run(#"sh("sh", "-c", "echo out; exit 3", check: false)"#)
        XCTAssertEqual(Formatter.repr(failed), #"{stdout: "out\n", stderr: "", code: 3}"#)
        XCTAssertEqual(Formatter.repr(try run(#"sh("cat", input: "fed").stdout"#)), #""fed""#)
        XCTAssertNotNil(runError(#"sh("sh", "-c", "exit 3")"#), "check defaults to true")
        let e = runError(#"sh("true", chek: false)"#)
        XCTAssertEqual(e?.message, "sh() has no parameter named chek")
        XCTAssertEqual(e?.suggestion, "check")
    }
}
