import Foundation

/// Kubernetes resource quantities (`500m`, `1.5`, `2Gi`, `1e3`, `100M`): the one parser, for the
/// engine comparing a manifest with the live object and for the simulated controllers reading a
/// disk size.
public enum KubeQuantity {
    /// Binary suffixes before the decimal ones: `Mi` must not be read as `M` followed by `i`.
    private static let suffixes: [(String, Double)] = [
        ("Ki", 0x1p10), ("Mi", 0x1p20), ("Gi", 0x1p30), ("Ti", 0x1p40), ("Pi", 0x1p50), ("Ei", 0x1p60),
        ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]

    /// The quantity as a number; nil when the text is not one.
    public static func value(_ s: String) -> Double? {
        for (suffix, factor) in suffixes where s.hasSuffix(suffix) {
            return Double(s.dropLast(suffix.count)).map { $0 * factor }
        }
        guard s.first.map({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }) == true else { return nil }
        return Double(s)
    }

    /// A byte count written as an integer or a quantity ("20Gi", "20G", "20480Mi", surrounding
    /// blanks allowed); nil when it is neither, or too large to count.
    public static func bytes(_ text: String?) -> Int? {
        guard let text else { return nil }
        if let i = Int(text) { return i }
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, let d = value(s) else { return nil }
        return Int(exactly: d.rounded(.towardZero))
    }
}
