import Foundation
import XCTest
@testable import VCDScript

/// The static check with a host type of its own: what a host declares (`memberTypes`,
/// `elementType`, `NativeFunction.returns`) is followed, and nothing else is checked.
final class TypeCheckTests: XCTestCase {
    final class Box: NativeObject {
        init() { super.init(type: TypeCheckTests.boxType) }
    }

    static let boxType: NativeType = {
        let t = NativeType(name: "box", doc: "A test box.")
        t.property("inner", doc: "Another box.") { _, _ in .object(Box()) }
        t.property("label", doc: "A string.") { _, _ in .string("b") }
        t.property("tags", doc: "Strings.") { _, _ in .list(ListRef([.string("t")])) }
        t.property("free", doc: "Undeclared.") { _, _ in .int(1) }
        t.method("open", params: [Parameter("key"), Parameter("mode", default: .string("r"))], doc: "Opens it.") { _, _, _ in .object(Box()) }
        t.iterate = { _, _ in [.object(Box())] }
        t.memberTypes = ["inner": .native("box"), "label": .string, "tags": .list(.string), "open": .native("box")]
        t.elementType = .native("box")
        return t
    }()

    private func problems(_ source: String, modules: [String: String] = [:]) throws -> [ScriptError] {
        let dir = NSTemporaryDirectory() + "typecheck-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in modules { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(name).vs")) }
        let interp = Interpreter()
        interp.define("root", .object(Box()))
        let make = NativeFunction("makeBox", params: [Parameter("size", default: .int(1))]) { _, _ in .object(Box()) }
        make.returns = .native("box")
        interp.define(make)
        do {
            try interp.check(source: source, name: "main.vs", path: dir + "/main.vs")
            return []
        } catch let e as ScriptErrors {
            return e.errors
        }
    }

    func testMembersAreFollowedThroughLetsLoopsCallsAndLists() throws {
        let errors = try problems("""
        let b = root.inner.open("k")
        print(b.lable)
        for x in b { print(x.innr) }
        print(makeBox().inner.tags.frist, b.tags[0].uper(), b.label.count)
        b.open("k", mdoe: "w")
        b.open(mode: "w")
        b.close()
        print(b.label.split(separatr: ","), b.label.split(","), b.tags.join(", "))
        """)
        XCTAssertEqual(errors.map(\.message), [
            "box has no member lable", "box has no member innr", "list has no member frist", "string has no member uper",
            "box.open() has no parameter named mdoe", "box.open() is missing argument key", "box has no member close",
            "string.split() has no parameter named separatr",
        ])
        XCTAssertEqual(errors.map(\.suggestion), ["label", "inner", "first", "upper", "mode", nil, nil, "separator"])
        XCTAssertEqual(errors.map { $0.range!.file.location(of: $0.range!.start).line }, [2, 3, 4, 4, 5, 6, 7, 8])
        XCTAssertTrue(errors.allSatisfy(\.isCompileTime))
    }

    func testWhatCannotBeKnownIsNotChecked() throws {
        XCTAssertEqual(try problems("""
        fn f(b) { return b.anything }
        var v = root
        v = {x: 1}
        print(v.x, root.free.whatever, {a: 1}.b, f(root).more, root.open("k").inner.inner.label.upper())
        let g = fn(a) { return a.nothing }
        """).map(\.message), [])
    }

    func testImportedModulesAreCheckedAndTheirMembersToo() throws {
        let errors = try problems("""
        import "lib"
        print(lib.helpr, lib.made.lable)
        lib.build(sise: 2)
        """, modules: ["lib": """
        let made = makeBox(size: 2)
        fn build(size) { return made.innr }
        """])
        XCTAssertEqual(errors.map(\.message), [
            "box has no member innr", "module lib.vs has no member helpr", "box has no member lable", "build() has no parameter named sise",
        ])
        XCTAssertEqual(errors.first?.range?.file.name.hasSuffix("lib.vs"), true)
    }

    /// No false positives: every spec case that runs without an error passes the check (one case
    /// makes wrong calls on purpose, inside `try`, to catch their errors).
    func testEverySpecCaseThatRunsCleanlyPassesTheCheck() throws {
        let deliberate: Set<String> = ["errors/catch_runtime_errors.vs"]
        var checked = 0
        for url in SpecHarness.specFiles() {
            let rel = String(url.path.dropFirst(SpecHarness.specRoot.path.count + 1))
            let text = try String(contentsOf: url, encoding: .utf8)
            if text.contains("# expect error") || deliberate.contains(rel) { continue }
            var options = InterpreterOptions()
            options.searchPaths = [SpecHarness.searchPath]
            let interp = Interpreter(options: options)
            interp.define("args", .list([]))
            do {
                // On a large stack, as `vcdscript check` runs it: some cases nest 200 levels deep.
                try LargeStack.run { Result { try interp.check(source: text, name: rel, path: url.path) } }.get()
            } catch let e as ScriptErrors {
                XCTFail("\(rel): \(DiagnosticRenderer(color: false).render(e))")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
    }

    func testAMissingModuleIsReported() throws {
        let errors = try problems("import \"nowhere\"\nprint(nowhere.x)\n")
        XCTAssertEqual(errors.map(\.message), ["cannot find module \"nowhere\""])
    }
}
