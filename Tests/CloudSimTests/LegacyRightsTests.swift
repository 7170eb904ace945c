import CloudWire
import Foundation
import XCTest
@testable import CloudSim

/// The rights each legacy vApp / VM operation needs (`vApp: Create / Reconfigure`, `vApp: Power
/// Operations`, `vApp: Delete`, `vApp: Edit VM Properties`, `vApp: Edit VM CPU`, …): a role
/// without one gets 403 naming it; the seeded capvcd role holds what CAPVCD needs.
final class LegacyRightsTests: XCTestCase {
    /// The XML helpers (upload, send, wait) of the legacy suite, borrowed without running its tests.
    private let x = LegacyXMLTests(name: "helpers", testClosure: { _ in })

    /// Replaces the capvcd role's rights with the seeded ones minus `without`.
    private func restrictCapvcd(_ h: Harness, without: [String]) {
        let role = h.values(h.call("GET", "/cloudapi/1.0.0/roles?filter=name==capvcd", token: h.provider)).first!["id"] as! String
        let keep = RightName.capvcdRole.filter { !without.contains($0) }.map { ["name": $0] }
        let r = h.call("PUT", "/cloudapi/1.0.0/roles/\(role)/rights", token: h.provider, json: ["values": keep])
        XCTAssertEqual(r.status, 200, r.text)
    }

    private func forbids(_ r: HTTPResponseMessage, _ right: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 403, r.text, file: file, line: line)
        XCTAssertTrue(r.text.contains("ACCESS_TO_RESOURCE_IS_FORBIDDEN") && r.text.contains(right), r.text, file: file, line: line)
    }

    func testEachVAppOperationNeedsItsRight() throws {
        try bothWays { h in
            let token = h.capvcd
            // The seeded capvcd role: a template upload, instantiate (compose), power on and off.
            let tpl = try x.upload(h, token: token, catalog: "c-rights", item: "node")
            let vdcHref = "/api/vdc/\(URN(h.vdcID)!.uuid)"
            let made = x.send(h, "POST", "\(vdcHref)/action/instantiateVAppTemplate", token, """
                <InstantiateVAppTemplateParams xmlns="http://www.vmware.com/vcloud/v1.5" name="v-rights"><Source href="\(tpl)"/></InstantiateVAppTemplateParams>
                """, type: XType.instantiate)
            XCTAssertEqual(made.status, 201, made.text)
            let vapp = x.xml(made)
            let vappHref = vapp.attr("href")!
            let vm = vapp.child("Children")!.child("Vm")!.attr("href")!
            x.wait(h, vapp.child("Tasks")!.child("Task")!, token)
            let vmName = x.xml(x.get(h, vm, token)).attr("name")!
            let extraOnly = """
                <Vm xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf" name="\(vmName)">
                <ovf:VirtualHardwareSection><vmw:ExtraConfig vmw:key="guestinfo.test" vmw:value="1"/></ovf:VirtualHardwareSection></Vm>
                """
            let moreCPU = """
                <Vm xmlns="http://www.vmware.com/vcloud/v1.5" name="\(vmName)"><VmSpecSection><NumCpus>7</NumCpus></VmSpecSection></Vm>
                """
            let ok = x.send(h, "POST", "\(vm)/action/reconfigureVm", token, extraOnly, type: XType.vm)
            XCTAssertEqual(ok.status, 202, ok.text)
            x.wait(h, x.xml(ok), token)
            // The whole VM echoed back (CAPVCD's way) changes no sizing: no sizing right needed.
            restrictCapvcd(h, without: [RightName.vmEditCPU, RightName.vmEditMemory, RightName.vmEditDisk])
            let echo = x.send(h, "POST", "\(vm)/action/reconfigureVm", token, x.get(h, vm, token).text, type: XType.vm)
            XCTAssertEqual(echo.status, 202, echo.text)
            x.wait(h, x.xml(echo), token)
            forbids(x.send(h, "POST", "\(vm)/action/reconfigureVm", token, moreCPU, type: XType.vm), RightName.vmEditCPU)

            // Without the vApp rights: each operation names the right it lacks; reading still works.
            restrictCapvcd(h, without: [RightName.vappCreate, RightName.vappPower, RightName.vappDelete, RightName.vmEditProperties,
                                        RightName.vmEditNetwork])
            forbids(x.send(h, "POST", "\(vdcHref)/action/composeVApp", token,
                           "<ComposeVAppParams xmlns=\"http://www.vmware.com/vcloud/v1.5\" name=\"v2\"/>", type: XType.composeVApp), RightName.vappCreate)
            forbids(x.send(h, "POST", "\(vappHref)/action/recomposeVApp", token,
                           "<RecomposeVAppParams xmlns=\"http://www.vmware.com/vcloud/v1.5\" name=\"v-rights\"/>", type: XType.recomposeVApp), RightName.vappCreate)
            forbids(h.call("POST", x.path("\(vm)/power/action/powerOn"), token: token, headers: ["Accept": "application/*+xml;version=36.0"]), RightName.vappPower)
            forbids(x.send(h, "POST", "\(vm)/action/reconfigureVm", token, extraOnly, type: XType.vm), RightName.vmEditProperties)
            forbids(x.send(h, "PUT", "\(vm)/networkConnectionSection/", token, "<NetworkConnectionSection xmlns=\"http://www.vmware.com/vcloud/v1.5\"/>",
                           type: XType.networkConnectionSection), RightName.vmEditNetwork)
            forbids(h.call("DELETE", x.path(vappHref), token: token, headers: ["Accept": "application/*+xml;version=36.0"]), RightName.vappDelete)
            XCTAssertEqual(x.get(h, vm, token).status, 200)
            XCTAssertEqual(x.get(h, vappHref, token).status, 200)
            // The org administrator holds every vApp right.
            let del = h.call("DELETE", x.path(vappHref), token: h.tenant, headers: ["Accept": "application/*+xml;version=36.0"])
            XCTAssertEqual(del.status, 202, del.text)
        }
    }
}
