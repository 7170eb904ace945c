import CloudSim
import Foundation

/// The node OVA the tests upload: the simulator's node image, the same bytes as
/// `vcdscript sim node-ova --name ubuntu-2204-kube-v1.27.5 --kubernetes v1.27.5+vmware.1 FILE`
/// writes (one OVA writer, `NodeImage`, for the product and the tests). Descriptor
/// `ubuntu-2204-kube-v1.27.5.ovf`, manifest, a 2 KiB placeholder disk; VM
/// `ubuntu-2204-kube-v1.27.5`, Ubuntu 22.04, Kubernetes v1.27.5+vmware.1, a 20 GiB disk, one
/// ExtraConfig entry (`disk.enableUUID`).
public enum TestNodeOVA {
    /// The template name and Kubernetes version it is made for.
    public static let name = "ubuntu-2204-kube-v1.27.5"
    public static let kubernetes = "v1.27.5+vmware.1"

    /// The image (its descriptor, manifest, disk and archive bytes).
    public static let image: NodeImage = {
        do { return try NodeImage(name: name, kubernetes: kubernetes) } catch {
            preconditionFailure("the test node image cannot be made: \(error)")
        }
    }()

    /// The OVA file, written once per test process into a temporary folder.
    public static let path: String = {
        let dir = NSTemporaryDirectory() + "vcdscript-test-node-" + UUID().uuidString
        let file = dir + "/test-node.ova"
        do { try image.write(to: file) } catch { preconditionFailure("cannot write \(file): \(error)") }
        return file
    }()

    /// The same file as a URL.
    public static var url: URL { URL(fileURLWithPath: path) }
}
