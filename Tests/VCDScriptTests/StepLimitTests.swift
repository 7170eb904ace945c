import XCTest
import VCDScript

/// The step limit bounds what a script does, not just how often it loops: natives and operators
/// charge their work to it (`Cost`), so that a loop calling a heavy native stops as soon as a
/// loop calling a light one (issue 13, item 6). No timings here: the tests count how many
/// iterations ran before the limit, which charging makes far fewer than the limit.
final class StepLimitTests: XCTestCase {
    private let limit = 30_000

    /// Values the heavy calls work on. Building them is charged too, far below the limit.
    private let setup = """
        let s = "abc,def " * 1250
        let long = s * 20
        let big = list(range(1000))
        let big2 = list(big)
        let m = {}
        for i in 0..<1000 { m["k${i}"] = i }
        let text = json.encode(big)
        let doc = yaml.encode(big[0..<200])
        let b64 = base64.encode(s)
        var dag = [1]
        for i in 0..<60 { dag = [dag, dag] }
        var dag2 = [1]
        for i in 0..<60 { dag2 = [dag2, dag2] }
        var grow = []
        """

    /// One call (or operator) per heavy native: each does work in proportion to a size.
    private let heavy: [String] = [
        // decoders and encoders
        "yaml.decode(\"a: 1\")", "yaml.decode(doc)", "yaml.decodeAll(\"a: 1\\n---\\nb: 2\")",
        "yaml.encode({a: 1})", "yaml.encode(big)", "yaml.encodeAll([{a: 1}])",
        "json.decode(text)", "json.encode(big)", "json.encode(m)",
        "base64.encode(s)", "base64.decode(b64)",
        // values made into text
        "str(big)", "repr(m)", "\"${big}\"", "print(big)", "try { throw big } catch e { }",
        // strings
        "long + long", "\"ab\" * 5000", "\"ab\".repeat(5000)", "s.upper()", "s.lower()", "s.trim()", "long.trimStart()",
        "long.trimEnd()", "s.split(\",\")", "s.split()", "s.lines()", "s.chars()", "\",\".join(big)", "s.contains(\"zz\")",
        "s.indexOf(\"zz\")", "s.startsWith(s)", "s.endsWith(s)", "s.replace(\",\", \";\")", "\"x\".padLeft(10000)",
        "\"x\".padRight(10000)", "s.reversed()", "s.format()", "len(s)", "s.count", "s[5]", "s[0..<3]", "\"zz\" in s",
        "int(\" \" * 5000 + \"1\")", "float(\" \" * 5000 + \"1\")", "list(s)", "duration(\"1s\" * 2000)",
        // lists
        "big + big", "big[0..<1000]", "big.copy()", "big.reversed()", "big.sorted()", "big2.sort(reverse: true)",
        "big.contains(-1)", "big.indexOf(-1)", "big2.remove(-1)", "-1 in big", "big == big2", "big < big2",
        "big2.insert(0, 1)\n    big2.pop(0)", "big.map(str)", "big.filter(bool)", "big.any()", "big.all()", "big.join(\",\")",
        "big[0..<300].unique()", "grow.extend(big)", "list(big)", "list(0..<2000)", "range(0, 4000, 2)",
        "sorted(big, reverse: true)", "sum(big)", "min(big)", "max(big)", "any(big)", "all(big)", "enumerate(big)", "zip(big, big)",
        // maps
        "m + m", "m.merge(m)", "map(m)", "keys(m)", "values(m)", "m.keys()", "m.values()", "m.items()", "m.copy()",
        "for k in m { break }", "try { m[\"zz\"] } catch e { }", "try { m.zz } catch e { }", "try { m.zz() } catch e { }",
        // CSV, patterns, format specs
        "csv.encode([big])", "csv.encode(big.map(fn(i) { [i] }))", "csv.decode(s, header: false)",
        "re.find(\"zz\", s)", "re.findAll(\",\", s)", "re.replace(\",\", s, \";\")", "re.split(\",\", s)", "re.match(\"[a-z, ]+\", s)",
        "format(1, \">5000\")", "\"${1:>5000}\"", "\"{:>5000}\".format(1)",
        // networks
        "cidr(\"10.0.0.0/16\").hosts",
        // values that hold the same list many times (2^60 paths)
        "freeze(list(dag))", "str(dag)", "try { json.encode(dag) } catch e { }", "dag == dag2",
    ]

    private func interpreter(limit: Int?) -> (Interpreter, () -> Int) {
        var o = InterpreterOptions()
        o.output = { _ in }
        o.maxSteps = limit
        let interp = Interpreter(options: o)
        final class Counter: @unchecked Sendable { var n = 0 }
        let ticks = Counter()
        interp.define(NativeFunction("tick", params: []) { _, _ in ticks.n += 1; return .null })
        return (interp, { ticks.n })
    }

    private func run(_ code: String, in interp: Interpreter) -> ScriptError? {
        LargeStack.run {
            do { try interp.run(source: code, name: "limit.vs"); return nil } catch let e as ScriptError { return e } catch {
                return ScriptError(.host, "\(error)")
            }
        }
    }

    func testEveryHeavyNativeInALoopStopsAtTheLimitAfterFewIterations() {
        let setupLines = setup.split(separator: "\n", omittingEmptySubsequences: false).count
        for call in heavy {
            let (interp, ticks) = interpreter(limit: limit)
            let code = setup + "\nwhile true {\n    tick()\n    \(call)\n}\n"
            let e = run(code, in: interp)
            XCTAssertEqual(e?.kind, .limit, "\(call): \(e.map { "\($0.kind): \($0.message)" } ?? "no error")")
            XCTAssertEqual(e?.message, "the step limit of 30000 was reached", call)
            // At the call, or at the loop when its own step is the one that reached the limit.
            let callLine = setupLines + 3
            let line = e?.range?.line ?? 0
            XCTAssertTrue(line == callLine || line == callLine + (call.contains("\n") ? 1 : 0) || line == setupLines + 1,
                          "\(call): the error is at line \(line)")
            // Charged: a loop of light calls makes `limit` iterations; these make few.
            XCTAssertLessThan(ticks(), limit / 20, "\(call) is not charged enough: \(ticks()) iterations")
        }
    }

    func testTheErrorIsAtTheLineOfTheCallThatReachedTheLimit() {
        // A setup far below the limit, then one call whose work alone goes past it.
        let cases: [(setup: String, call: String)] = [
            ("let t = \"a: [1, 2]\\n\" * 5000", "yaml.decode(t)"),
            ("var t = \"1,\"\nfor i in 0..<21 { t = t + t }", "json.decode(\"[\" + t + \"1]\")"),
            ("var x = \"x\"\nfor i in 0..<18 { x = x + x }\nlet t = base64.encode(x)", "base64.decode(t)"),
            ("let xs = list(range(100000))", "sorted(xs)"),
            ("let xs = list(range(100000))", "str(xs)"),
            ("let t = \"a,\" * 200000", "t.split(\",\")"),
            ("", "\"ab\" * 1000000"),
            // Aliases: nine levels of ten make 10^9 values out of 300 bytes.
            (Self.laughs, "yaml.decode(t)"),
            ("var v = [1]\nfor i in 0..<60 { v = [v, v] }", "freeze(v)"),
            // Catastrophic backtracking: the search's progress reports are charged.
            ("let t = \"a\" * 28 + \"b\"", "re.find('(a+)+$', t)"),
            ("var v = [1]\nvar w = [1]\nfor i in 0..<60 {\n    v = [v, v]\n    w = [w, w]\n}", "v == w"),
        ]
        for c in cases {
            let (interp, _) = interpreter(limit: 50_000)
            let code = c.setup + "\nlet r = " + c.call + "\n"
            let e = run(code, in: interp)
            XCTAssertEqual(e?.kind, .limit, "\(c.call): \(e.map { "\($0.kind): \($0.message)" } ?? "no error")")
            XCTAssertEqual(e?.message, "the step limit of 50000 was reached", c.call)
            XCTAssertEqual(e?.range?.line, code.split(separator: "\n", omittingEmptySubsequences: false).count - 1, c.call)
        }
    }

    /// A YAML text whose aliases stand for a billion values.
    private static let laughs: String = {
        var lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
        for i in 1..<9 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        return "let t = \"" + lines.joined(separator: "\\n") + "\""
    }()

    func testTheChargedLimitCannotBeCaught() {
        let (interp, _) = interpreter(limit: 10_000)
        let e = run("try { while true { yaml.decode(\"a: 1\") } } catch e { print(\"caught\") }\nprint(\"after\")", in: interp)
        XCTAssertEqual(e?.kind, .limit)
    }

    func testHostNativesChargeThroughTheirContext() {
        let (interp, ticks) = interpreter(limit: 100_000)
        interp.define(NativeFunction("crunch", params: []) { _, ctx in
            try ctx.charge(1_000)
            return .null
        })
        let e = run("while true {\n    tick()\n    crunch()\n}", in: interp)
        XCTAssertEqual(e?.kind, .limit)
        XCTAssertTrue([1, 3].contains(e?.range?.line ?? 0), "\(String(describing: e?.range))")
        XCTAssertLessThan(ticks(), 200)
    }

    func testALoopThatReachesTheLimitNamesTheLoop() {
        let (interp, _) = interpreter(limit: 10_000)
        let e = run("var n = 0\nwhile n >= 0 {\n    n += 1\n}", in: interp)
        XCTAssertEqual(e?.kind, .limit)
        XCTAssertEqual(e?.range?.line, 2)
    }

    /// An everyday script (a config read, text built, lists sorted and joined) fits well within a
    /// small limit, and prints the same with and without one.
    func testOrdinaryScriptsAreUnaffected() {
        let script = """
            let config = yaml.decode("name: lab\\nvms:\\n" + "".join(list(range(50)).map(fn(i) { "  - {name: vm-${i}, cpu: ${i % 4 + 1}}\\n" })))
            let names = config.vms.map(fn(v) { v.name }).sorted(reverse: true)
            var report = ""
            for v in config.vms { report += "${v.name}: ${v.cpu} cpu\\n" }
            let doc = json.decode(json.encode(config))
            print(len(names), names[0], len(report.lines()), doc.vms[3].cpu, base64.decode(base64.encode(report)) == report)
            print(",".join(names[0..<3]), sum(config.vms.map(fn(v) { v.cpu })), str(config.vms[0]))
            """
        var outputs: [[String]] = []
        for limit in [nil, 20_000] as [Int?] {
            var o = InterpreterOptions()
            var lines: [String] = []
            o.output = { lines.append($0) }
            o.maxSteps = limit
            let interp = Interpreter(options: o)
            XCTAssertNil(run(script, in: interp), "limit \(String(describing: limit))")
            outputs.append(lines)
        }
        XCTAssertEqual(outputs[0], ["50 vm-9 51 4 true", "vm-9,vm-8,vm-7 123 {name: \"vm-0\", cpu: 1}"])
        XCTAssertEqual(outputs[0], outputs[1])
    }

    /// Heavy work without a limit runs to its end: charging never stops an unlimited script.
    func testWithoutALimitNothingIsStopped() {
        let (interp, _) = interpreter(limit: nil)
        XCTAssertNil(run("var v = [1]\nfor i in 0..<10 { v = [v, v] }\nfor i in 0..<3 {\n    json.decode(json.encode(v))\n    freeze(v)\n}\nlen(\"x\" * 1000000)", in: interp))
    }

    /// Waiting is not work: a native that waits (sleep) spends none of the limit.
    func testSleepingSpendsNoSteps() {
        let (interp, _) = interpreter(limit: 10_000)
        XCTAssertNil(run("sleep(0.3)\nvar n = 0\nfor i in 0..<8000 { n += 1 }", in: interp))
    }
}
