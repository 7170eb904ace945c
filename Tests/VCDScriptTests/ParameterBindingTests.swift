import Foundation
import VCDScript
import XCTest

/// The command line against declared parameters, without the executable: the environment
/// variables' names, and how arguments become values.
final class ParameterBindingTests: XCTestCase {
    func declared(_ source: String) throws -> DeclaredParameters {
        let path = NSTemporaryDirectory() + "binding-\(UUID().uuidString).vs"
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Interpreter().declaredParameters(file: path)
    }

    func testEnvironmentNamesAreUpperSnakeCase() {
        XCTAssertEqual(DeclaredParameter.upperSnake("ipCount"), "IP_COUNT")
        XCTAssertEqual(DeclaredParameter.upperSnake("podCIDR"), "POD_CIDR")
        XCTAssertEqual(DeclaredParameter.upperSnake("CIDRBlock"), "CIDR_BLOCK")
        XCTAssertEqual(DeclaredParameter.upperSnake("controlPlaneCount"), "CONTROL_PLANE_COUNT")
        XCTAssertEqual(DeclaredParameter.upperSnake("seg2Name"), "SEG2_NAME")
        XCTAssertEqual(DeclaredParameter.upperSnake("org"), "ORG")
        XCTAssertEqual(DeclaredParameter.upperSnake("dns_suffix"), "DNS_SUFFIX")
    }

    func testValuesKeepEqualsSignsAndListsGather() throws {
        let d = try declared("param filter = \"\"\nparam names = [\"a\"]\nparam on = false\n")
        let b = d.bind(arguments: ["filter=a=b", "names=x, y", "--names", "z", "--on"])
        XCTAssertEqual(b.problems, [])
        XCTAssertEqual(b.values["filter"].map { Formatter.repr($0) }, "\"a=b\"")
        XCTAssertEqual(b.values["names"].map { Formatter.repr($0) }, "[\"x\", \"y\", \"z\"]")
        XCTAssertEqual(b.values["on"].map { Formatter.repr($0) }, "true")
        // --flag=false sets a bool off; a bool never takes the next argument as its value.
        let off = d.bind(arguments: ["--on=false"])
        XCTAssertEqual(off.values["on"].map { Formatter.repr($0) }, "false")
    }

    func testNothingGivenBindsNothing() throws {
        let d = try declared("param org = \"xav_lab\"\n")
        let b = d.bind(arguments: [], environment: ["VCDSCRIPT_PARAM_OTHER": "x"])
        XCTAssertEqual(b.problems, [])
        XCTAssertTrue(b.values.isEmpty)
    }
}
