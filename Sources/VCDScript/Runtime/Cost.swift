/// What native work costs against the step limit, in steps. A loop iteration or a call is one
/// step; natives and operators whose work grows with a size (bytes decoded or built, items
/// copied, compared or sorted) charge it through `CallContext.charge` (or `VM.charge`) at these
/// rates, so that a step-limited script stops within about the same time whatever it calls.
///
/// One charged step is about half a microsecond of native work in a release build, what a loop
/// iteration that calls a small native costs; the rates were measured per operation (see
/// docs/language.md, "Limits"). Work below one step is not charged: small calls cost the step of
/// the loop or call around them.
public enum Cost {
    /// Memory copied: string `+` and interpolation, text joined, read, written or printed.
    public static func bytes(_ n: Int) -> Int { n >> 11 }
    /// Text searched or converted byte by byte: `contains`, `in`, `indexOf`, `upper`, `lower`,
    /// quoting (`repr`), base64 encoding.
    public static func scan(_ n: Int) -> Int { n >> 4 }
    /// Text walked character by character (grapheme clusters) or through Foundation: `len`,
    /// `s[i]`, slices, `trim`, `split`, `lines`, `chars`, `replace`, `reversed`, `format`,
    /// number and duration parsing, base64 decoding.
    public static func chars(_ n: Int) -> Int { n >> 2 }
    /// Characters or copies made by repetition: string `*`, `repeat`, padding.
    public static func repeated(_ n: Int) -> Int { n >> 3 }
    /// Values copied: list and map copies, `+` on lists, slices, `range`, `insert`, `pop`.
    public static func items(_ n: Int) -> Int { n >> 5 }
    /// Values compared, converted or added one by one: `contains`, `indexOf` and `in` on lists,
    /// `min`, `max`, `sum`, `keys`, `values`, `extend`, a `for` loop's copy of a map's keys.
    public static func compared(_ n: Int) -> Int { n >> 3 }
    /// A list or map visited by a traversal that may meet it many times (`==`, `<`, `freeze`:
    /// a value can hold the same list twice, nested), with its items.
    public static func visited(_ n: Int) -> Int { 1 + compared(n) }
    /// Map entries inserted: `+` and `merge` on maps, `map(pairs)`.
    public static func hashed(_ n: Int) -> Int { n >> 2 }
    /// Values made one by one, each a new string or list: `split` and `lines` parts, `join`,
    /// `items`, `enumerate`, `zip`, `cidr.hosts`.
    public static func entries(_ n: Int) -> Int { n >> 1 }
    /// A list or map made into text or into JSON/YAML (`str`, `repr`, `print`, interpolation,
    /// `json.encode`, `yaml.encode`), with its items.
    public static func values(_ n: Int) -> Int { 1 + 2 * n }
    /// Items sorted: n·log2(n) comparisons.
    public static func sort(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return (n * (Int.bitWidth - n.leadingZeroBitCount)) >> 5
    }
    /// JSON text read.
    public static func json(_ n: Int) -> Int { 2 + n >> 5 }
    /// YAML read or written (libyaml through Yams): a fixed cost per call, and per byte.
    public static func yaml(_ n: Int) -> Int { 100 + n }
    /// Names compared with a misspelt one for "did you mean" (a missing map key).
    public static func suggestion(_ n: Int) -> Int { 2 * n }

    /// The most one charge counts, so that the step count cannot overflow.
    static let maxCharge = 1 << 40
}
