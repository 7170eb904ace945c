import Foundation
import XCTest
import VCDScript

/// A seeded mutation fuzzer over the spec corpus (and random token soup): every input goes
/// through the lexer, parser, resolver and evaluator in-process, with a step limit and a time
/// limit. Skipped unless VCDSCRIPT_FUZZ_SECONDS is set; `scripts/fuzz.sh` runs it.
///
/// A crash kills the process: the input being run is always in
/// `.build/fuzz-findings/current-input.vs`, which fuzz.sh keeps as a finding. An input that runs
/// longer than its time limit is a hang: it is saved next to it and the test fails.
final class FuzzTests: XCTestCase {
    func testFuzz() throws {
        let env = ProcessInfo.processInfo.environment
        guard let text = env["VCDSCRIPT_FUZZ_SECONDS"], let seconds = Double(text), seconds > 0 else {
            throw XCTSkip("set VCDSCRIPT_FUZZ_SECONDS to run the fuzzer (scripts/fuzz.sh)")
        }
        let seed = env["VCDSCRIPT_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64(Date().timeIntervalSince1970)
        let perInput = env["VCDSCRIPT_FUZZ_INPUT_SECONDS"].flatMap { Double($0) } ?? 10
        let findings = SpecHarness.root.appendingPathComponent(".build/fuzz-findings")
        try FileManager.default.createDirectory(at: findings, withIntermediateDirectories: true)

        let corpus = Fuzzer.corpus()
        // Relative imports of the corpus find the spec's helper modules from here.
        FileManager.default.changeCurrentDirectoryPath(SpecHarness.specRoot.appendingPathComponent("imports").path)
        XCTAssertGreaterThan(corpus.count, 100)
        var fuzzer = Fuzzer(corpus: corpus, seed: seed)
        let current = findings.appendingPathComponent("current-input.vs")
        FileManager.default.createFile(atPath: current.path, contents: nil)
        let handle = try FileHandle(forWritingTo: current)

        let deadline = Date().addingTimeInterval(seconds)
        var tried = 0
        var outcomes: [String: Int] = [:]
        print("fuzz: seed \(seed), \(corpus.count) corpus inputs, \(Int(seconds)) s, \(perInput) s per input")
        while Date() < deadline {
            let input = fuzzer.next()
            let bytes = Data(input.utf8)
            try handle.truncate(atOffset: 0)
            try handle.seek(toOffset: 0)
            handle.write(bytes)
            tried += 1
            guard let outcome = Fuzzer.run(input, timeLimit: perInput) else {
                let saved = findings.appendingPathComponent("hang-\(seed)-\(tried).vs")
                try? bytes.write(to: saved)
                XCTFail("fuzz: input \(tried) ran longer than \(perInput) s; saved as \(saved.path)")
                break
            }
            outcomes[outcome, default: 0] += 1
        }
        try handle.truncate(atOffset: 0)
        try handle.close()
        try? FileManager.default.removeItem(at: current)
        let summary = outcomes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("fuzz: \(tried) inputs in \(Int(seconds)) s (seed \(seed)): \(summary)")
    }

    /// The mutator itself: deterministic for a seed, and it produces varied inputs.
    func testMutatorIsSeededAndVaried() {
        let corpus = ["print(1 + 2)", "let xs = [1, 2]\nfor x in xs { print(x) }", "fn f(a) { a * 2 }"]
        var a = Fuzzer(corpus: corpus, seed: 7), b = Fuzzer(corpus: corpus, seed: 7)
        let first = (0..<50).map { _ in a.next() }
        XCTAssertEqual(first, (0..<50).map { _ in b.next() })
        XCTAssertGreaterThan(Set(first).count, 40)
    }

    /// The sandbox runs an input to an outcome and stops runaway loops.
    func testSandboxOutcomes() {
        XCTAssertEqual(Fuzzer.run("print(1)", timeLimit: 30), "ok")
        XCTAssertEqual(Fuzzer.run("let = 1", timeLimit: 30), "compile-error")
        XCTAssertEqual(Fuzzer.run("while true { }", timeLimit: 30), "error:limit")
        XCTAssertEqual(Fuzzer.run("1 / 0", timeLimit: 30), "error:arithmetic")
        XCTAssertEqual(Fuzzer.run("write(\"/tmp/x\", \"y\")", timeLimit: 30), "error:host")
    }
}

/// Mutation of inputs, and the sandboxed run of one input.
struct Fuzzer {
    let corpus: [String]
    private var state: UInt64

    init(corpus: [String], seed: UInt64) {
        self.corpus = corpus
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    /// The spec files, their helper modules and the documentation examples.
    static func corpus() -> [String] {
        var texts: [String] = []
        if let e = FileManager.default.enumerator(at: SpecHarness.specRoot, includingPropertiesForKeys: nil) {
            for case let url as URL in e where url.pathExtension == "vs" {
                if let t = try? String(contentsOf: url, encoding: .utf8), t.utf8.count < 20_000 { texts.append(t) }
            }
        }
        texts += SpecHarness.docCases().map(\.source)
        return texts.sorted()
    }

    // xorshift64*
    private mutating func random() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }

    private mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random() % UInt64(n)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }

    static let dictionary: [String] = Interpreter.keywords + [
        "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "?.", "??", "|>", "..<", "...", "+", "-", "*", "/", "%",
        "=", "==", "!=", "<", "<=", ">", ">=", "+=", "-=", "*=", "/=", "%=", "\n", "\\\n", "#", "!", "&", "@", "->",
        "0", "1", "-1", "2", "0x7fffffffffffffff", "9223372036854775807", "-9223372036854775808", "4294967296",
        "1e308", "0.0", "1.5", "1_000", "500ms", "30s", "5m", "2h", "1d", "0s", "nan",
        "\"\"", "\"a\"", "\"${", "${x}", "\"${1}\"", "\"\"\"", "'", "'raw'", "\"\\u{1F600}\"", "\"\\u{D800}\"", "\"\\q\"", "\"é✓\"",
        "x", "xs", "m", "f", "e", "_", "print", "len", "str", "int", "float", "bool", "type", "range", "keys", "values",
        "sorted", "min", "max", "sum", "any", "all", "enumerate", "zip", "list", "map", "freeze", "error", "assert",
        "secret", "repr", "dir", "help", "duration", "cidr", "ip", "json", "yaml", "base64", "env", "now", "parallel",
        ".encode(", ".decode(", ".decodeAll(", ".split(", ".join(", ".map(", ".filter(", ".reduce(", ".sorted(",
        ".sort(", ".pop(", ".insert(", ".append(", ".format(", ".padLeft(", ".repeat(", ".hosts", ".host(", ".range(",
        ".contains(", ".keys()", ".items()", ".get(", ".remove(", ".merge(", ".lines()", ".trim(", ".replace(",
        ".message", ".code", ".kind", ".traceback", ".seconds", ".count", ".first", ".last", ".lower", ".upper",
        "fn(x) { x }", "fn f(a, b = 1) { a }", "[1, 2, 3]", "{a: 1}", "0..<3", "1...3", "-9223372036854775807 - 1",
        "cidr(\"10.0.0.0/8\")", "json.decode(\"[1]\")", "yaml.decode(\"a: 1\")", "try { } catch e { }", "defer { }",
        "throw error(\"E\", \"m\")", "import \"./x.vs\"", "for i in 0..<3 { }", "while false { }", "if x { } else { }",
        "key: ", "reverse: true", "indent: 2", "limit: 2",
    ]

    static let interestingNumbers = ["0", "-1", "1", "255", "256", "65535", "9223372036854775807", "-9223372036854775808",
                                     "9223372036854775806", "4611686018427387904", "2147483648", "32", "33", "1e18", "0.5"]

    /// The next input: a mutated corpus entry, or sometimes a soup of tokens.
    mutating func next() -> String {
        if chance(8) {
            let n = 1 + below(60)
            return (0..<n).map { _ in pick(Fuzzer.dictionary) }.joined(separator: chance(50) ? " " : "")
        }
        var bytes = Array(pick(corpus).utf8)
        for _ in 0..<(1 + below(4)) { mutate(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func span(_ count: Int, maxLength: Int) -> Range<Int> {
        guard count > 0 else { return 0..<0 }
        let start = below(count)
        return start..<min(count, start + 1 + below(maxLength))
    }

    /// Identifier-like words of a text (names, keywords, member names).
    private static func words(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        func isStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }
        while i < b.count {
            if isStart(b[i]) {
                let s = i
                while i < b.count, isStart(b[i]) || (b[i] >= 48 && b[i] <= 57) { i += 1 }
                out.append(s..<i)
            } else { i += 1 }
        }
        return out
    }

    static let operators = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "??", "|>", "..<", "...", "in", "not in"]

    private mutating func mutate(_ b: inout [UInt8]) {
        switch below(16) {
        case 12, 13: // a word becomes another word of the same input, or a dictionary name (keeps syntax mostly valid)
            let ws = Fuzzer.words(b)
            guard !ws.isEmpty else { return }
            let target = pick(ws)
            let replacement = chance(60) ? Array(b[pick(ws)]) : Array(pick(Fuzzer.dictionary.filter { $0.first?.isLetter == true }).utf8)
            b.replaceSubrange(target, with: replacement)
        case 14: // an operator becomes another
            let text = String(decoding: b, as: UTF8.self)
            let ops = Fuzzer.operators.filter { text.contains(" \($0) ") }
            guard !ops.isEmpty, let r = text.range(of: " \(pick(ops)) ") else { return }
            b = Array(text.replacingCharacters(in: r, with: " \(pick(Fuzzer.operators)) ").utf8)
        case 15: // a literal value becomes another
            let values = ["nil", "true", "0", "-1", "9223372036854775807", "1.5", "\"\"", "\"s\"", "[]", "[1, [2]]", "{}", "{a: 1}", "5s", "0..<3", "fn(x) { x }", "error(\"E\", \"m\")", "secret(\"pw\")", "cidr(\"10.0.0.0/24\")"]
            let ws = Fuzzer.words(b)
            guard !ws.isEmpty else { return }
            b.replaceSubrange(pick(ws), with: Array(pick(values).utf8))
        case 0: // delete a span
            b.removeSubrange(span(b.count, maxLength: 16))
        case 1: // duplicate a span
            let s = span(b.count, maxLength: 40)
            b.insert(contentsOf: Array(b[s]), at: below(b.count + 1))
        case 2, 3: // insert a dictionary token
            b.insert(contentsOf: Array(pick(Fuzzer.dictionary).utf8), at: below(b.count + 1))
        case 4: // replace a span with a token
            let s = span(b.count, maxLength: 8)
            b.replaceSubrange(s, with: Array(pick(Fuzzer.dictionary).utf8))
        case 5: // splice lines of another input
            let other = pick(corpus).split(separator: "\n", omittingEmptySubsequences: false)
            let s = span(other.count, maxLength: 6)
            let piece = other[s].joined(separator: "\n") + "\n"
            var lines = String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.insert(piece, at: below(lines.count + 1))
            b = Array(lines.joined(separator: "\n").utf8)
        case 6: // delete or swap lines
            var lines = String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count > 1 else { return }
            let i = below(lines.count), j = below(lines.count)
            if chance(50) { lines.swapAt(i, j) } else { lines.remove(at: i) }
            b = Array(lines.joined(separator: "\n").utf8)
        case 7: // repeat a line
            var lines = String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard !lines.isEmpty else { return }
            let i = below(lines.count)
            lines.insert(contentsOf: Array(repeating: lines[i], count: 1 + below(20)), at: i)
            b = Array(lines.joined(separator: "\n").utf8)
        case 8: // a random byte (sometimes not ASCII)
            guard !b.isEmpty else { return }
            b[below(b.count)] = chance(80) ? UInt8(32 + below(95)) : UInt8(below(256))
        case 9: // a number becomes an interesting one
            let digits = b.indices.filter { b[$0] >= 48 && b[$0] <= 57 }
            guard !digits.isEmpty else { return }
            let start = pick(digits)
            var end = start
            while end < b.count, b[end] >= 48 && b[end] <= 57 { end += 1 }
            b.replaceSubrange(start..<end, with: Array(pick(Fuzzer.interestingNumbers).utf8))
        case 10: // wrap a span in brackets, many times
            let s = span(b.count, maxLength: 30)
            let (open, close) = pick([("(", ")"), ("[", "]"), ("{", "}"), ("fn() { ", " }()"), ("\"${", "}\""), ("-", ""), ("not ", "")])
            let n = chance(80) ? 1 + below(5) : 1 + below(400)
            b.insert(contentsOf: Array(String(repeating: close, count: n).utf8), at: s.upperBound)
            b.insert(contentsOf: Array(String(repeating: open, count: n).utf8), at: s.lowerBound)
        default: // cut the input short
            b.removeSubrange(below(b.count + 1)..<b.count)
        }
    }

    /// Runs one input in a fresh, sandboxed interpreter: no files, no processes, no sleeping (pauses
    /// are on a virtual clock).
    /// Returns a short description of the outcome, or nil when it ran past the time limit.
    static func run(_ input: String, timeLimit: Double) -> String? {
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.outcome = sandboxedRun(input)
            done.signal()
        }
        thread.stackSize = LargeStack.defaultSize
        thread.start()
        if done.wait(timeout: .now() + timeLimit) == .timedOut { return nil }
        return box.outcome
    }

    private static func sandboxedRun(_ input: String) -> String {
        var o = InterpreterOptions()
        o.output = { _ in }
        o.maxSteps = 200_000
        o.allowShell = false
        o.searchPaths = []
        // A clock whose pauses pass at once: retry()'s backoff (sleep and wait are refused below).
        final class Virtual: @unchecked Sendable { var now = 0.0 }
        let time = Virtual()
        o.clock = HostClock(now: { time.now }, sleep: { seconds, _ in time.now += seconds; return true })
        let interp = Interpreter(options: o)
        let refuse = { (name: String) in
            NativeFunction(name, params: nil) { _, _ in throw ScriptError(.host, "\(name)() is not available while fuzzing") }
        }
        for name in ["read", "write", "exists", "sh", "sleep", "wait", "exit"] { interp.define(refuse(name)) }
        interp.define("args", .list([]))
        do {
            try interp.run(source: input, name: "<fuzz>")
            return "ok"
        } catch let e as ScriptErrors {
            _ = DiagnosticRenderer(color: false).render(e)
            return "compile-error"
        } catch let e as ScriptError {
            _ = DiagnosticRenderer(color: false).render(e)
            return "error:\(e.kind.rawValue)"
        } catch {
            return "other:\(type(of: error))"
        }
    }
}

final class OutcomeBox: @unchecked Sendable {
    var outcome = ""
}
