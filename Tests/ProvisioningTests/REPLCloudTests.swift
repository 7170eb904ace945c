import CloudSim
import Foundation
import ScriptCloud
import XCTest
@testable import vcdscript
import VCDScript

/// The REPL against the simulator, through `REPLSession` and `Completer` as the terminal drives
/// them (scripts/test-repl.sh drives the same through real keystrokes): plan mode as recorded in
/// `cloud.changes` and `.save`, one object's fields, completion of live names and of parameters.
final class REPLCloudTests: XCTestCase {
    private var printed: [String] = []

    private func interpreter(_ h: SimHarness) -> Interpreter {
        let e = h.engine()
        return ScriptRun(engine: e, kube: KubeWiring(gate: e.gate), output: { [unowned self] line in self.printed.append(line) },
                         clock: h.hostClock).interpreter()
    }

    private func session(_ interp: Interpreter) -> REPLSession {
        REPLSession(interpreter: interp, printer: Printer(color: false, interpreter: interp), editor: nil, historyPath: nil, width: .cells)
    }

    private func type(_ s: REPLSession, _ lines: [String]) {
        LargeStack.run { for l in lines { _ = s.handle(l) } }
    }

    func testPlannedChangesStayPlannedInChangesAndInSave() throws {
        let h = try SimHarness()
        let interp = interpreter(h)
        let s = session(interp)
        let saved = h.dir + "/saved.vs"
        type(s, [
            #"let vdc = cloud.org("xav_lab").vdc("t-tenant")"#,
            #"let a = vdc.gateways.ensure(name: "gw-a")"#,
            ".plan on",
            #"let b = vdc.gateways.ensure(name: "gw-b")"#,
            ".plan off",
        ])
        printed = []
        type(s, ["for c in cloud.changes { print(c) }", "print(vdc.gateways.names)", ".save \(saved)"])
        XCTAssertEqual(printed, ["+ created edge gateway gw-a on t-tenant", "+ create edge gateway gw-b on t-tenant", "[\"gw-a\"]"])
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertEqual(text, """
        let vdc = cloud.org("xav_lab").vdc("t-tenant")
        let a = vdc.gateways.ensure(name: "gw-a")
        # .plan on: the inputs below ran in plan mode and sent nothing. They are kept as comments so
        # that running this file does not make those changes; remove the "# " to make them.
        # let b = vdc.gateways.ensure(name: "gw-b")
        # .plan off
        for c in cloud.changes { print(c) }
        print(vdc.gateways.names)

        """)
        // Replayed as a script, the file makes gw-a again (unchanged) and never gw-b.
        let out = try h.run("", file: saved)
        XCTAssertEqual(out.first, "= unchanged edge gateway gw-a on t-tenant")
        XCTAssertEqual(out.last, "[\"gw-a\"]")
    }

    func testOneObjectShowsItsFieldsAndPrintKeepsOneLine() throws {
        let h = try SimHarness()
        let interp = interpreter(h)
        type(session(interp), [#"let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-f", ipCount: 2)"#, "print(gw)"])
        XCTAssertEqual(printed.last, "<gateway gw-f>")
        let table = try XCTUnwrap(interp.renderFields(try XCTUnwrap(interp.peek("gw")))).split(separator: "\n").map(String.init)
        XCTAssertTrue(table[0].hasPrefix("FIELD") && table[0].hasSuffix("VALUE"), table[0])
        XCTAssertTrue(table.contains { $0.range(of: #"^name +gw-f$"#, options: .regularExpression) != nil }, "\(table)")
        XCTAssertTrue(table.contains { $0.range(of: #"^vipSubnet +203\.0\.113\.0/24$"#, options: .regularExpression) != nil }, "\(table)")
        // Collections are ways on, not fields.
        XCTAssertFalse(table.contains { $0.hasPrefix("nat ") || $0.hasPrefix("natRules ") }, "\(table)")
        // Values other than one object keep their forms.
        XCTAssertNil(interp.renderFields(.int(1)))
        XCTAssertNil(interp.renderFields(try XCTUnwrap(interp.peek(#"cloud.org("xav_lab").vdcs"#, lookups: Completer.lookups))))
    }

    func testLiveNamesCompleteInsideLookupStrings() throws {
        let h = try SimHarness()
        let interp = interpreter(h)
        type(session(interp), [
            #"let vdc = cloud.org("xav_lab").vdc("t-tenant")"#,
            #"let a = vdc.gateways.ensure(name: "gw-a")"#,
            #"let b = vdc.gateways.ensure(name: "gw-b")"#,
        ])
        let c = Completer(interpreter: interp)
        func tab(_ line: String) -> String {
            switch LargeStack.run({ c.action(context: "", line: line) }) {
            case .none: return "none"
            case .insert(let s): return "insert " + s
            case .list(let items): return "list " + items.joined(separator: " ")
            }
        }
        XCTAssertEqual(tab(#"cloud.org("xa"#), #"insert v_lab""#)
        XCTAssertEqual(tab(#"cloud.org("xav_lab").vdc(""#), #"insert t-tenant""#)
        XCTAssertEqual(tab(#"vdc.gateway("gw-"#), "list gw-a gw-b")
        XCTAssertEqual(tab(#"vdc.gateways.get(""#), "insert gw-")
        XCTAssertEqual(tab(#"vdc.gateways.find("gw-b"#), #"insert ""#)
        XCTAssertEqual(tab(#"cloud.org("xav_lab").vdc("t-tenant").gateways.delete("gw-a"#), #"insert ""#)
        // Members of a lookup's result complete too.
        XCTAssertEqual(tab(#"cloud.org("xav_lab").vdc("t-tenant").gatew"#), "insert ay")
        // Not a lookup: a plain string, a string that is not the first argument, an unknown name.
        XCTAssertEqual(tab(#"print(""#), "none")
        XCTAssertEqual(tab(#"cloud.org("nope").vdc(""#), "none")
        XCTAssertEqual(tab(#"vdc.gateways.ensure(name: "gw"#), "none")
        // Completion never calls anything but lookups: a receiver with a delete is not evaluated.
        XCTAssertEqual(tab(#"[vdc.gateways.delete("gw-a")][0].vdc(""#), "none")
        XCTAssertEqual(interp.peek("vdc.gateways.names").map { interp.render($0, format: .text) }, #"["gw-a", "gw-b"]"#)
    }

    func testNamedParametersAlreadyGivenAreNotOfferedAgain() throws {
        let h = try SimHarness()
        let interp = interpreter(h)
        type(session(interp), ["fn greet(person, greeting, punctuation) { greeting + \" \" + person + punctuation }"])
        let c = Completer(interpreter: interp)
        func offered(_ line: String) -> [String] { c.candidates(context: "", line: line)?.items ?? [] }
        XCTAssertEqual(offered("greet("), ["person: ", "greeting: ", "punctuation: "])
        XCTAssertEqual(offered(#"greet(greeting: "hi", "#), ["person: ", "punctuation: "])
        XCTAssertEqual(offered(#"greet("ada", "#), ["greeting: ", "punctuation: "])
        XCTAssertEqual(offered(#"greet("ada", punctuation: "!", "#), ["greeting: "])
        // Commas and colons inside strings, brackets and maps are not arguments.
        XCTAssertEqual(offered(#"greet(greeting: "a, person: b", {"x": 1, "y": [2, 3]}, "#), ["punctuation: "])
        XCTAssertEqual(offered("greet(\n  person: 1,\n  "), ["greeting: ", "punctuation: "])
    }
}
