import Foundation

/// The rights the simulator enforces. Names follow VCD's where they are known (vcd-wire.md §9.4,
/// TF CSE rights bundle); names marked (inferred) stand for provider-only operations whose exact
/// VCD right name was not found. Provider-only rights are never published to tenants.
enum RightName {
    static let orgView = "Organization: View"
    static let vdcView = "Organization vDC: View"
    static let gatewayView = "Organization vDC Gateway: View"
    static let natView = "Organization vDC Gateway: View NAT"
    static let natConfigure = "Organization vDC Gateway: Configure NAT"
    static let lbView = "Organization vDC Gateway: View Load Balancer"
    static let lbConfigure = "Organization vDC Gateway: Configure Load Balancer"
    static let firewallView = "Organization vDC Gateway: View Firewall"
    static let firewallConfigure = "Organization vDC Gateway: Configure Firewall"
    static let routingConfigure = "Organization vDC Gateway: Configure Routing" // (inferred)
    static let networkView = "Organization vDC Network: View Properties"
    static let networkEdit = "Organization vDC Network: Edit Properties"
    static let computePolicyView = "Organization vDC Compute Policy: View"
    static let roleView = "Role: View" // (inferred)
    static let roleEdit = "Role: Create, Edit, Delete, or Copy"
    static let apiTokens = "API Tokens: Manage"
    static let extraConfig = "vApp: Allow All Extra Config"
    static let generalAdminView = "General: Administrator View"
    // vApps and VMs (the names of VCD's vApp Author role, TF `vcd_role` docs).
    static let vappCreate = "vApp: Create / Reconfigure"
    static let vappDelete = "vApp: Delete"
    static let vappPower = "vApp: Power Operations"
    static let vmEditProperties = "vApp: Edit VM Properties"
    static let vmEditCPU = "vApp: Edit VM CPU"
    static let vmEditMemory = "vApp: Edit VM Memory"
    static let vmEditDisk = "vApp: Edit VM Hard Disk"
    static let vmEditNetwork = "vApp: Edit VM Network"
    static let certificateView = "Certificate Library: View"
    static let certificateManage = "Certificate Library: Manage"
    // Catalogs (VCD's Catalog category; the names of CSE's and TF's rights lists).
    /// Set a catalog's access control (`ControlAccessParams`); to other orgs only where the org may publish.
    static let catalogSharing = "Catalog: Sharing"
    /// Publish a catalog to every org (`PublishCatalogParams`), where the org may publish.
    static let catalogPublish = "Catalog: Publish"
    /// Read a catalog's access control.
    static let catalogViewACL = "Catalog: View ACL"
    /// See the catalogs other orgs published (CSE's Kubernetes clusters rights bundle holds it).
    static let catalogViewPublished = "Catalog: View Published Catalogs"
    // IP spaces (VCD 10.4.1+; the names of CSE 4.2's rights bundle and of tenant role tables; CPI
    // 1.6 needs all three to use IP spaces: README "Additional Rights for CPI").
    static let ipSpaceAllocate = "IP Spaces: Allocate"
    static let ipSpaceView = "Private IP Spaces: View"
    static let ipSpaceManagePrivate = "Private IP Spaces: Manage"
    /// Keeps `vmw:ExtraConfig` of uploaded OVFs (UI label; vcd-wire.md §7.3). Not in the capvcd role.
    static let preserveExtraConfig = "vApp: Preserve All ExtraConfig Elements During OVF Import and Export"

    // Provider-only.
    static let gatewayAdmin = "Organization vDC Gateway: Configure System Properties"
    static let albAdmin = "NSX-T ALB: Manage Load Balancer Infrastructure" // (inferred)
    static let computePolicyAdmin = "Provider VDC Compute Policy: Manage" // (inferred)
    static let entityTypeAdmin = "Defined Entity Type: Manage" // (inferred)
    static let rightsBundleAdmin = "Rights Bundle: Edit" // (inferred)
    /// PUBLIC and SHARED_SERVICES IP spaces, IP-space uplinks of provider gateways.
    static let ipSpaceAdmin = "IP Spaces: Manage" // (inferred)

    /// (name, category, VIEW|MODIFY, provider-only)
    static let catalog: [(String, String, String, Bool)] = [
        (orgView, "Organization", "VIEW", false),
        (vdcView, "Organization VDC", "VIEW", false),
        (gatewayView, "Gateway", "VIEW", false),
        (natView, "Gateway Services", "VIEW", false),
        (natConfigure, "Gateway Services", "MODIFY", false),
        (lbView, "Gateway Services", "VIEW", false),
        (lbConfigure, "Gateway Services", "MODIFY", false),
        (firewallView, "Gateway Services", "VIEW", false),
        (firewallConfigure, "Gateway Services", "MODIFY", false),
        (routingConfigure, "Gateway Services", "MODIFY", false),
        (networkView, "Organization VDC Network", "VIEW", false),
        (networkEdit, "Organization VDC Network", "MODIFY", false),
        (computePolicyView, "Organization VDC", "VIEW", false),
        (roleView, "Roles and Rights", "VIEW", false),
        (roleEdit, "Roles and Rights", "MODIFY", false),
        (apiTokens, "User", "MODIFY", false),
        (extraConfig, "vApp", "MODIFY", false),
        (generalAdminView, "General", "VIEW", false),
        (vappCreate, "vApp", "MODIFY", false),
        (vappDelete, "vApp", "MODIFY", false),
        (vappPower, "vApp", "MODIFY", false),
        (vmEditProperties, "vApp", "MODIFY", false),
        (vmEditCPU, "vApp", "MODIFY", false),
        (vmEditMemory, "vApp", "MODIFY", false),
        (vmEditDisk, "vApp", "MODIFY", false),
        (vmEditNetwork, "vApp", "MODIFY", false),
        (certificateView, "Certificate Library", "VIEW", false),
        (certificateManage, "Certificate Library", "MODIFY", false),
        (preserveExtraConfig, "vApp", "MODIFY", false),
        (catalogSharing, "Catalog", "MODIFY", false),
        (catalogPublish, "Catalog", "MODIFY", false),
        (catalogViewACL, "Catalog", "VIEW", false),
        (catalogViewPublished, "Catalog", "VIEW", false),
        (ipSpaceAllocate, "IP Spaces", "MODIFY", false),
        (ipSpaceView, "IP Spaces", "VIEW", false),
        (ipSpaceManagePrivate, "IP Spaces", "MODIFY", false),
        (gatewayAdmin, "Gateway", "MODIFY", true),
        (albAdmin, "NSX-T ALB", "MODIFY", true),
        (computePolicyAdmin, "Provider VDC", "MODIFY", true),
        (entityTypeAdmin, "Defined Entity Type", "MODIFY", true),
        (rightsBundleAdmin, "Rights Bundle", "MODIFY", true),
        (ipSpaceAdmin, "IP Spaces", "MODIFY", true),
    ]

    static var tenantRights: [String] { catalog.filter { !$0.3 }.map(\.0) }

    /// What the least-privilege CAPVCD user holds (CAPVCD VCD_SETUP.md, vcd-wire.md §9.4): the vApp
    /// rights its machines need (compose, recompose, reconfigure with ExtraConfig and disk growth,
    /// power, delete), gateway NAT and load balancing, reading certificates for TLS services, and
    /// seeing published catalogs (node templates the provider publishes; CSE's rights bundle), and
    /// the IP-space rights CPI 1.6 / CAPVCD 1.3 use on gateways with IP spaces.
    static let capvcdRole: [String] = [
        orgView, vdcView, gatewayView, natView, natConfigure, lbView, lbConfigure, networkView,
        computePolicyView, apiTokens, extraConfig, certificateView, catalogViewPublished, ipSpaceAllocate, ipSpaceView, ipSpaceManagePrivate,
        vappCreate, vappDelete, vappPower, vmEditProperties, vmEditCPU, vmEditMemory, vmEditDisk, vmEditNetwork,
        capvcdClusterView, capvcdClusterFullAccess,
    ]
    /// The rights of the `vmware:capvcdCluster` entity type CAPVCD keeps its RDEs with.
    static let capvcdClusterView = "vmware:capvcdCluster: View"
    static let capvcdClusterFullAccess = "vmware:capvcdCluster: Full Access"

    /// Rights an entity type registration creates (TF CSE 4.1 names).
    static func entityTypeRights(vendor: String, nss: String) -> [(String, String)] {
        let p = "\(vendor):\(nss)"
        return [("\(p): View", "VIEW"), ("\(p): Modify", "MODIFY"), ("\(p): Full Access", "MODIFY"),
                ("\(p): Administrator View", "VIEW"), ("\(p): Administrator Full access", "MODIFY")]
    }
}
