import CCurl

/// Turns a libcurl result code into a `TransportError`. Codes are grouped by what the user can do
/// about them (see `TransportError.Kind`); the raw code stays in the error for bug reports.
enum CurlErrorMapping {
    static func error(code: CURLcode, state: CurlTransferState, endpoint: Endpoint,
                      requestMayHaveReachedServer sentSomething: Bool) -> TransportError {
        let c = Int(code.rawValue)
        var detail = state.errorText
        if detail.isEmpty, let s = curl_easy_strerror(code) { detail = String(cString: s) }
        func make(_ kind: TransportError.Kind, reached: Bool) -> TransportError {
            TransportError(kind: kind, endpoint: endpoint.hostPort, curlCode: c, detail: detail,
                           requestMayHaveReachedServer: reached)
        }
        // The callbacks know better than the code: both causes surface as "aborted by callback".
        if let failure = state.readFailure {
            detail = failure
            return make(.uploadFileUnreadable, reached: sentSomething)
        }
        if state.abortedByUser { return make(.abortedByUser, reached: sentSomething) }

        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return make(.invalidRequest, reached: false)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return make(.couldNotResolve, reached: false)
        case CURLE_COULDNT_CONNECT:
            return make(.couldNotConnect, reached: false)
        case CURLE_OPERATION_TIMEDOUT:
            return make(.timedOut, reached: sentSomething)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return make(.certificateNotTrusted, reached: false)
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE:
            return make(.caFileUnusable, reached: false)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            return make(.tlsHandshakeFailed, reached: false)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE,
             CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SEND_FAIL_REWIND:
            return make(.connectionLost, reached: sentSomething)
        case CURLE_READ_ERROR:
            return make(.uploadFileUnreadable, reached: sentSomething)
        case CURLE_ABORTED_BY_CALLBACK:
            return make(.abortedByUser, reached: sentSomething)
        default:
            return make(.other, reached: sentSomething)
        }
    }
}
