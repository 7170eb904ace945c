/// The embedded simulator of VCD, NSX-T and NSX ALB (issue 3 builds it).
import CloudWire
