/// The XML namespaces of VCD's legacy API (vcd-wire.md §3.3), for everyone who writes or reads its
/// bodies: the client, the simulator that answers it, and the simulated controllers.
public enum VCDXMLNamespace {
    public static let vcloud = "http://www.vmware.com/vcloud/v1.5"
    public static let ovf = "http://schemas.dmtf.org/ovf/envelope/1"
    public static let vmw = "http://www.vmware.com/schema/ovf"
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    public static let rasd = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    public static let vssd = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
}
