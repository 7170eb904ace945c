import CCurl

/// `curl_global_init` must run exactly once before any easy handle exists. A Swift global `let`
/// is initialised lazily under a once-guard, so the first transport to touch it pays, on
/// whichever thread, and every later touch is a plain load.
enum CurlGlobal {
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Initialises libcurl if nobody has yet. libcurl failing to initialise means no memory or a
    /// broken TLS library: nothing sensible can continue, so it stops here with the code.
    static func ensureInitialised() {
        let rc = initResult
        precondition(rc == CURLE_OK, "curl_global_init failed with code \(rc.rawValue)")
    }
}
