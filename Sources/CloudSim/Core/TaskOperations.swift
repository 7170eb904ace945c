/// The operations the simulator runs as VCD tasks: their `operationName` on the wire (what real VCD
/// puts in a task's `operationName`, vcd-wire.md §3.2) and how long each takes when the simulator
/// runs with realistic timing (`sim serve --realistic`). One list, so a new task kind is one case
/// here and a duration chosen on purpose, never guessed from its name.
enum TaskOperation: String, CaseIterable, Sendable {
    // Edge gateways and what is configured on them: NSX-T realises these on the T1 (slowest).
    case createEdgeGateway, updateEdgeGateway, deleteEdgeGateway, updateEdgeGatewayLoadBalancer
    // Load balancer pools and virtual services: ALB places them on service engines.
    case createLoadBalancerPool, updateLoadBalancerPool, deleteLoadBalancerPool
    case createLoadBalancerVirtualService, updateLoadBalancerVirtualService, deleteLoadBalancerVirtualService
    // Networks: a segment in NSX-T.
    case createOrgVdcNetwork, updateOrgVdcNetwork, deleteOrgVdcNetwork
    case createExternalNetwork, deleteExternalNetwork
    // Rules and settings of a gateway.
    case createNatRule, updateNatRule, deleteNatRule
    case updateFirewall, updateFirewallRule, deleteFirewallRule
    case updateRouteAdvertisement
    case createApplicationPortProfile, updateApplicationPortProfile, deleteApplicationPortProfile
    // IP spaces.
    case createIpSpace, updateIpSpace, deleteIpSpace
    case createIpSpaceUplink, updateIpSpaceUplink, deleteIpSpaceUplink
    case ipSpaceAllocate, ipSpaceAllocationUpdate, ipSpaceAllocationDelete
    // ALB infrastructure (provider).
    case createLoadBalancerController, deleteLoadBalancerController
    case createLoadBalancerCloud, deleteLoadBalancerCloud
    case createServiceEngineGroup, updateServiceEngineGroup, deleteServiceEngineGroup, syncServiceEngineGroup
    case createServiceEngineGroupAssignment, deleteServiceEngineGroupAssignment
    // Runtime defined entities.
    case createDefinedEntity
    // vApps and VMs (the XML API).
    case vdcInstantiateVapp, vdcComposeVapp, vdcRecomposeVapp, vdcDeleteVapp
    case vappUpdateVappNetworkSection, vappUpdateVm, vappDeleteVm
    case vappPowerOn, vappPowerOff, vappReset, vappReboot, vappShutdown, vappSuspend, vappUndeploy, vappDeploy
    // Catalogs, templates, metadata.
    case catalogCreateCatalog, catalogDelete, vappTemplateDelete, vdcUploadOvfContents
    case metadataUpdate, metadataDelete

    /// Seconds the task runs under realistic timing: the order of magnitude real sites show.
    var realisticSeconds: Double {
        switch self {
        case .createEdgeGateway, .updateEdgeGateway, .deleteEdgeGateway, .updateEdgeGatewayLoadBalancer:
            return 8
        case .createLoadBalancerPool, .updateLoadBalancerPool, .deleteLoadBalancerPool,
             .createLoadBalancerVirtualService, .updateLoadBalancerVirtualService, .deleteLoadBalancerVirtualService:
            return 5
        case .createOrgVdcNetwork, .updateOrgVdcNetwork, .deleteOrgVdcNetwork, .createExternalNetwork, .deleteExternalNetwork:
            return 4
        default:
            return 2
        }
    }

    /// The task of a power action of the XML API (`power/action/powerOn`, `action/deploy`, …).
    static func power(_ action: String) -> TaskOperation? {
        switch action {
        case "powerOn": return .vappPowerOn
        case "powerOff": return .vappPowerOff
        case "reset": return .vappReset
        case "reboot": return .vappReboot
        case "shutdown": return .vappShutdown
        case "suspend": return .vappSuspend
        case "undeploy": return .vappUndeploy
        case "deploy": return .vappDeploy
        default: return nil
        }
    }
}
