import CloudSim
import Foundation
import ScriptCloud
import XCTest
import TestFixtures
import VCDScript

/// Catalog sharing and publishing through vcdscript: the provider shares (or publishes) a catalog
/// of the System org, the tenant finds its template as its own session sees it and makes a vApp
/// of it; every change is idempotent (`= unchanged`, no write on a second run) and planned under
/// `--plan`; lab-setup.vs takes its node template from a provider catalog with catalogOrg=.
final class CatalogSharingScriptTests: XCTestCase {
    static var ova: String { TestNodeOVA.path }

    static let share = """
    let k8s = cloud.org("System").catalogs.ensure(name: "k8s", description: "provider images")
    k8s.upload(path: "\(ova)", name: "node")
    k8s.share(org: "xav_lab", access: "ReadOnly")
    """

    func testTheProviderSharesACatalogAndTheTenantUsesItsTemplate() throws {
        let h = try SimHarness()
        let out = try h.run(Self.share + """

        print(k8s.org, k8s.sharedWith)
        let lab = cloud.org("xav_lab")
        print(lab.catalogs.names, lab.sharedCatalogs.names)
        let c = lab.catalog("k8s", org: "System")
        print(c.name, c.org, c.published, c.templates.names, c.template("node").status)
        """)
        let text = out.joined(separator: "\n")
        for line in ["+ created catalog k8s on System", "+ created template node on k8s", "~ updated catalog k8s on System (shared with xav_lab: ReadOnly)",
                     #"System {xav_lab: "ReadOnly"}"#, #"[] ["k8s"]"#, #"k8s System false ["node"] RESOLVED"#] {
            XCTAssertTrue(out.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertEqual(h.sim.count(kind: "catalog"), 1, "nothing is copied into the tenant's catalogs")

        // The tenant makes a vApp of the shared template through its own session.
        let vapp = try h.run("""
        let lab = cloud.org("xav_lab")
        let t = lab.catalog("k8s", org: "System").template("node")
        let v = lab.vdc("t-tenant").vapps.ensure(name: "from-provider", template: t)
        print(v.name, v.vms.names)
        let again = lab.vdc("t-tenant").vapps.ensure(name: "from-provider", template: "node", catalog: lab.catalog("k8s", org: "System"))
        """)
        XCTAssertTrue(vapp.contains("+ created vApp from-provider on t-tenant"), vapp.joined(separator: "\n"))
        XCTAssertTrue(vapp.contains(#"from-provider ["ubuntu-2204-kube-v1.27.5"]"#), vapp.joined(separator: "\n"))
        XCTAssertTrue(vapp.contains("= unchanged vApp from-provider on t-tenant"), vapp.joined(separator: "\n"))

        // A second run changes nothing.
        let writes = h.sim.counters.writes
        let again = try h.run(Self.share)
        XCTAssertEqual(h.sim.counters.writes, writes, "the second run wrote:\n\(again.joined(separator: "\n"))")
        XCTAssertEqual(again, ["= unchanged catalog k8s on System", "= unchanged template node on k8s", "= unchanged catalog k8s on System"])

        // A higher level, then unshared: the tenant no longer finds it, and is told why.
        let up = try h.run(#"cloud.org("System").catalog("k8s").share(org: "xav_lab", access: "change")"#)
        XCTAssertEqual(up, ["~ updated catalog k8s on System (shared with xav_lab: Change)"])
        let gone = try h.run(#"cloud.org("System").catalog("k8s").unshare(org: "xav_lab")"# + "\n" + #"cloud.org("System").catalog("k8s").unshare(org: "xav_lab")"#)
        XCTAssertEqual(gone, ["~ updated catalog k8s on System (not shared with xav_lab)", "= unchanged catalog k8s on System"])
        let e = scriptError { try h.run(#"cloud.org("xav_lab").catalog("k8s", org: "System")"#) }
        XCTAssertEqual(e?.message, "no catalog k8s of org System is shared with org xav_lab or published")
        XCTAssertTrue(e?.hint?.contains(#".share(org: "xav_lab")"#) == true, "\(String(describing: e?.hint))")
        XCTAssertEqual(try h.run(#"print(cloud.org("xav_lab").sharedCatalogs.count)"#), ["0"])
    }

    func testPublishingIsIdempotentAndPlanModeWritesNothing() throws {
        let h = try SimHarness()
        let code = """
        let k8s = cloud.org("System").catalogs.ensure(name: "k8s")
        k8s.upload(path: "\(Self.ova)", name: "node")
        k8s.publish()
        """
        // Planned on a fresh simulator: every step shown, nothing sent.
        let writes0 = h.sim.counters.writes
        let planned = try h.run(code + "\nk8s.share(org: \"xav_lab\")\n", mode: .plan)
        XCTAssertEqual(planned, ["+ create catalog k8s on System", "+ create template node on k8s",
                                 "~ update catalog k8s on System (published: false → true)",
                                 "~ update catalog k8s on System (shared with xav_lab: ReadOnly)"])
        XCTAssertEqual(h.sim.counters.writes, writes0, "plan mode wrote")

        let out = try h.run(code + "\nprint(k8s.published)\n")
        XCTAssertTrue(out.contains("~ updated catalog k8s on System (published: false → true)"), out.joined(separator: "\n"))
        XCTAssertEqual(out.last, "true")
        // Published: the tenant (and CAPVCD's least-privilege user) see it without any share.
        XCTAssertEqual(try h.run(#"let c = cloud.org("xav_lab").catalog("k8s", org: "System"); print(c.published, c.templates.names)"#), [#"true ["node"]"#])
        XCTAssertEqual(try h.run(#"print(cloud.org("xav_lab").sharedCatalogs.names)"#), [#"["k8s"]"#])
        let writes = h.sim.counters.writes
        XCTAssertEqual(try h.run(code), ["= unchanged catalog k8s on System", "= unchanged template node on k8s", "= unchanged catalog k8s on System"])
        XCTAssertEqual(try h.run(code, mode: .plan), ["= unchanged catalog k8s on System", "= unchanged template node on k8s", "= unchanged catalog k8s on System"])
        XCTAssertEqual(h.sim.counters.writes, writes)
        XCTAssertEqual(try h.run(#"cloud.org("System").catalog("k8s").publish(false)"#), ["~ updated catalog k8s on System (published: true → false)"])
        XCTAssertEqual(try h.run(#"print(cloud.org("xav_lab").sharedCatalogs.count)"#), ["0"])
    }

    /// The tenant's own catalog named like a provider catalog it sees: org.catalogs is its own,
    /// catalogs.ensure creates it (it does not adopt the provider's); a tenant cannot publish.
    func testOwnCatalogsAreNotConfusedWithSharedOnes() throws {
        let h = try SimHarness()
        try h.run(Self.share)
        let out = try h.run("""
        let lab = cloud.org("xav_lab")
        let mine = lab.catalogs.ensure(name: "k8s")
        print(lab.catalogs.names, mine.org, mine.templateCount, lab.catalog("k8s").org, lab.catalog("k8s", org: "System").templateCount)
        """)
        XCTAssertTrue(out.contains("+ created catalog k8s on xav_lab"), out.joined(separator: "\n"))
        XCTAssertEqual(out.last, #"["k8s"] xav_lab 0 xav_lab 1"#)
        let e = scriptError { try h.run(#"cloud.org("xav_lab").catalog("k8s").publish()"#) }
        XCTAssertTrue(e?.message.contains("canPublish") == true, "\(String(describing: e?.message))")
    }

    // MARK: lab-setup.vs

    /// lab-setup.vs catalogOrg=System, planned: the provider's catalog, its template and the share
    /// with xav_lab are planned; nothing goes into xav_lab's catalogs. With a published provider
    /// catalog holding the template, nothing of the template step is planned at all.
    func testLabSetupPlansTheTemplateInTheProvidersCatalog() throws {
        let c = try ClusterHarness()
        let root = SimHarness.packageRoot
        let args = ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "catalogOrg=System"]
        let writes = c.h.sim.counters.writes
        let out = try c.run("", mode: .plan, args: args, file: root + "/stdlib/lab-setup.vs")
        let all = c.h.output + out
        let text = all.joined(separator: "\n")
        for line in ["+ create catalog home on System", "+ create template ubuntu-20.04-kube-v1.22.5+vmware.1 on home",
                     "~ update catalog home on System (shared with xav_lab: ReadOnly)", "+ create machinedeployment capi-cluster-md0"] {
            XCTAssertTrue(all.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertFalse(all.contains("+ create catalog home on xav_lab"), text)
        XCTAssertTrue(out.contains("  ok   template: ubuntu-20.04-kube-v1.22.5+vmware.1 to be uploaded by lab-setup (the simulator's node image, Kubernetes v1.22.5+vmware.1)"), text)
        XCTAssertEqual(c.h.sim.counters.writes, writes, "plan mode changed the simulator")

        // Published beforehand by the provider: lab-setup only reads it.
        try c.run("""
        let home = cloud.org("System").catalogs.ensure(name: "home")
        home.upload(path: "\(Self.ova)", name: "ubuntu-20.04-kube-v1.22.5+vmware.1")
        home.publish()
        """)
        c.h.output = []
        let again = try c.run("", mode: .plan, args: args + ["kubernetes=v1.27.5"], file: root + "/stdlib/lab-setup.vs")
        let againText = (c.h.output + again).joined(separator: "\n")
        let changes = (c.h.output + again).filter { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") }
        XCTAssertFalse(changes.contains { $0.contains("catalog home") || $0.contains("template ubuntu") }, againText)
        XCTAssertFalse(again.contains { $0.contains("the simulator provides its node image") }, againText)
        XCTAssertTrue(again.contains { $0.hasPrefix("  ok   template: home/ubuntu-20.04-kube-v1.22.5+vmware.1: RESOLVED, Kubernetes v1.27.5") }, againText)
    }

    /// lab-setup.vs catalogOrg=System applied (after a pivot, as testLabSetupAfterThePivotUsesTheWrittenKubeconfig:
    /// the workload cluster is there): the simulator's node image goes into the System org's catalog
    /// through the provider session and is shared with xav_lab read-only; xav_lab gets no catalog.
    /// The second run writes nothing.
    func testLabSetupTakesTheTemplateFromAProviderCatalog() throws {
        let c = try ClusterHarness()
        let sim = c.h.sim
        try sim.createKubeCluster(name: "capi-cluster")
        try ClusterFixtures.installCRDs(sim, cluster: "capi-cluster", ClusterFixtures.capiCRDs)
        try ClusterFixtures.send(sim, "capi-cluster", "POST", "/apis/cluster.x-k8s.io/v1beta1/namespaces/default/clusters", .object([
            "apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster", "metadata": .object(["name": "capi-cluster"]),
            "spec": .object([:]), "status": .object(["phase": "Provisioned"]),
        ]))
        let kubeconfig = c.h.dir + "/wc.kubeconfig"
        try Data(try sim.kubeconfig(cluster: "capi-cluster", server: SimHarness.kubeServer).utf8).write(to: URL(fileURLWithPath: kubeconfig))
        let root = SimHarness.packageRoot
        let args = ["sshKey=/nonexistent.pub", "kubeconfig=\(kubeconfig)", "addressTimeout=0", "catalogOrg=System"]
        let out = try c.run("", args: args, file: root + "/stdlib/lab-setup.vs")
        let all = c.h.output + out
        let text = all.joined(separator: "\n")
        let image = c.h.dir + "/node-images/ubuntu-20.04-kube-v1.22.5-vmware.1.ova"
        for line in ["  (no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home of System: the simulator provides its node image \(image))",
                     "+ created catalog home on System", "+ created template ubuntu-20.04-kube-v1.22.5+vmware.1 on home",
                     "~ updated catalog home on System (shared with xav_lab: ReadOnly)", "cluster capi-cluster: Provisioned, managed by itself"] {
            XCTAssertTrue(all.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertTrue(out.contains { $0.hasPrefix("lab ready: ") }, text)
        XCTAssertEqual(try c.run(#"print(cloud.org("xav_lab").catalogs.names, cloud.org("xav_lab").catalog("home", org: "System").templates.names)"#),
                       [#"[] ["ubuntu-20.04-kube-v1.22.5+vmware.1"]"#])

        c.h.output = []
        let writes = sim.counters.writes
        let again = try c.run("", args: args, file: root + "/stdlib/lab-setup.vs")
        let againAll = c.h.output + again
        let againText = againAll.joined(separator: "\n")
        XCTAssertFalse(againAll.contains { $0.hasPrefix("+ ") || $0.hasPrefix("~ ") || $0.hasPrefix("- ") }, againText)
        XCTAssertFalse(againText.contains("the simulator provides its node image"), againText)
        XCTAssertTrue(again.contains { $0.hasPrefix("  ok   template: home/ubuntu-20.04-kube-v1.22.5+vmware.1: RESOLVED, Kubernetes v1.22.5") }, againText)
        XCTAssertEqual(sim.counters.writes, writes, "the second run wrote to VCD:\n\(againText)")
    }

    /// The whole lab with the node template in the provider's catalog shared to the lab org: the
    /// simulated CAPVCD finds it through VCD's query service as the cluster's user and the
    /// cluster comes up from it; the tenant has no catalog of its own.
    func testTheWholeLabWithTheTemplateInAProviderCatalog() throws {
        let c = try ClusterHarness()
        let sim = c.h.sim
        let tooling = SimulatorClusterTooling(sim: sim, recorder: c.recorder)
        let root = SimHarness.packageRoot
        let args = ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "timeout=2", "catalogOrg=System"]
        let out = try c.run("", tooling: tooling, args: args, file: root + "/stdlib/lab-setup.vs")
        let text = (c.h.output + out).joined(separator: "\n")
        XCTAssertTrue(out.contains { $0.hasPrefix("cluster capi-cluster: Provisioned, endpoint ") }, text)
        XCTAssertTrue(out.contains { $0.hasPrefix("lab ready: ") }, text)
        XCTAssertEqual(try c.run(#"print(cloud.org("xav_lab").catalogs.names)"#), ["[]"], "no catalog of the tenant's own")
        XCTAssertTrue(sim.requestLog.contains { ($0.agent ?? "").hasPrefix("cluster-api-provider-cloud-director/") && $0.path.hasSuffix("/action/recomposeVApp")
            && $0.status == 202 }, "CAPVCD made the VMs from the shared template")
    }

    /// On a real site (no cloud.simulator), a provider catalog the lab org does not see is an error
    /// that says what the provider has to do (nothing goes into any catalog); with the preflight, a
    /// FAIL before any write.
    func testLabSetupWithAnUnsharedProviderCatalogSaysWhatToDo() throws {
        let c = try ClusterHarness()
        c.simulatorServices = false
        try c.run("""
        let home = cloud.org("System").catalogs.ensure(name: "home")
        home.upload(path: "\(Self.ova)", name: "ubuntu-20.04-kube-v1.22.5+vmware.1")
        """)
        c.h.output = []
        let root = SimHarness.packageRoot
        XCTAssertThrowsError(try c.run("", args: ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "preflight=false", "catalogOrg=System"],
                                       file: root + "/stdlib/lab-setup.vs")) { e in
            XCTAssertEqual((e as? ScriptError)?.message,
                           #"xav_lab sees no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home of System: the provider shares the catalog with xav_lab (cloud.org("System").catalog("home").share(org: "xav_lab")) or publishes it (.publish()), or pass ova=FILE.ova to upload it there with a provider session"#, "\(e)")
        }
        XCTAssertFalse(c.h.output.contains { $0.contains("catalog home") }, c.h.output.joined(separator: "\n"))
        // With the preflight: a FAIL before any write.
        let writes = c.h.sim.counters.writes
        XCTAssertThrowsError(try c.run("", args: ["sshKey=/nonexistent.pub", "kubeconfig=\(c.h.dir)/wc.kubeconfig", "catalogOrg=System"],
                                       file: root + "/stdlib/lab-setup.vs"))
        XCTAssertTrue(c.output.contains { $0.hasPrefix("  FAIL template: xav_lab sees no template ubuntu-20.04-kube-v1.22.5+vmware.1 in catalog home of System") },
                      c.output.joined(separator: "\n"))
        XCTAssertEqual(c.h.sim.counters.writes, writes)
    }
}
