import Foundation
import CCurl
import CSupport
import CloudWire

/// Everything one `curl_easy_perform` reads from and writes to. libcurl's callbacks are C function
/// pointers that cannot capture, so they find this object again through their `void *userdata`
/// (an unretained pointer; the caller keeps the object alive for the whole transfer).
final class CurlTransferState {
    /// The response body, collected in memory.
    var body = Data()
    /// Header fields of the final response (interim 100-continue or proxy CONNECT responses are dropped).
    var headers = HTTPHeaderFields()

    /// File being uploaded (`-1`: none), the first byte, the count and how far reading got.
    var uploadFD: Int32 = -1
    var uploadStart: UInt64 = 0
    var uploadLength: UInt64 = 0
    var uploadRead: UInt64 = 0
    var progress: UploadProgress?
    var lastReportedSent: Int64 = -1

    /// Set by the callbacks so that the error mapping can tell why libcurl stopped: both a Ctrl-C
    /// and a failed file read surface as "aborted by callback".
    var abortedByUser = false
    var readFailure: String?

    /// libcurl writes its error text here; it must outlive `perform`.
    let errorBuffer: UnsafeMutablePointer<CChar>

    init() {
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if uploadFD >= 0 { close(uploadFD) }
        errorBuffer.deallocate()
    }

    var errorText: String {
        String(decoding: UnsafeBufferPointer(start: errorBuffer, count: strnlen(errorBuffer, Int(CURL_ERROR_SIZE)))
            .map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reports upload progress if it moved (libcurl calls the progress function often, with
    /// repeated values).
    func reportUpload(sent: Int64) {
        guard let progress, sent != lastReportedSent else { return }
        lastReportedSent = sent
        progress(sent, Int64(uploadLength))
    }

    /// Takes one header line as libcurl delivers it (with its CRLF).
    func takeHeaderLine(_ raw: String) {
        let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        if line.hasPrefix("HTTP/") {
            // A new response starts (after a 100 Continue or a proxy's CONNECT answer): only the
            // last one's fields belong to the response we return.
            headers = HTTPHeaderFields()
            return
        }
        if line.isEmpty { return }
        if line.first == " " || line.first == "\t" {
            // An obsolete folded continuation line: glue it to the previous field.
            if let last = headers.fields.last {
                var copy = HTTPHeaderFields()
                for f in headers.fields.dropLast() { copy.add(f.name, f.value) }
                copy.add(last.name, last.value + " " + line.trimmingCharacters(in: .whitespaces))
                headers = copy
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.add(name, value)
    }
}

private func state(_ p: UnsafeMutableRawPointer?) -> CurlTransferState? {
    guard let p else { return nil }
    return Unmanaged<CurlTransferState>.fromOpaque(p).takeUnretainedValue()
}

/// Appends response bytes to the body. Must return exactly `size * nmemb` or libcurl fails the
/// transfer with a write error.
let curlWriteBody: curl_write_callback = { ptr, size, nmemb, userdata in
    let n = size * nmemb
    guard let ptr, let st = state(userdata) else { return 0 }
    ptr.withMemoryRebound(to: UInt8.self, capacity: n) { st.body.append($0, count: n) }
    return n
}

/// Receives one response header line.
let curlWriteHeader: curl_write_callback = { ptr, size, nmemb, userdata in
    let n = size * nmemb
    guard let ptr, let st = state(userdata) else { return 0 }
    let line = ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
        String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
    }
    st.takeHeaderLine(line)
    return n
}

/// Feeds upload bytes from the file, never past the requested range.
let curlReadFile: curl_read_callback = { buffer, size, nitems, userdata in
    guard let buffer, let st = state(userdata), st.uploadFD >= 0 else { return Int(CURL_READFUNC_ABORT) }
    let remaining = st.uploadLength - st.uploadRead
    if remaining == 0 { return 0 }
    let want = min(size * nitems, Int(clamping: remaining))
    let got = read(st.uploadFD, buffer, want)
    if got < 0 {
        st.readFailure = "read failed: " + String(cString: strerror(errno))
        return Int(CURL_READFUNC_ABORT)
    }
    if got == 0 {
        // The file ended before the range did: it shrank while we were sending it.
        st.readFailure = "the file ended \(remaining) bytes early"
        return Int(CURL_READFUNC_ABORT)
    }
    st.uploadRead += UInt64(got)
    return got
}

/// Lets libcurl rewind the upload (it does so when a reused connection turns out dead and it
/// sends the request again on a new one).
let curlSeekFile: curl_seek_callback = { userdata, offset, origin in
    guard let st = state(userdata), st.uploadFD >= 0, origin == SEEK_SET, offset >= 0,
          UInt64(offset) <= st.uploadLength else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    if lseek(st.uploadFD, off_t(st.uploadStart + UInt64(offset)), SEEK_SET) < 0 { return Int32(CURL_SEEKFUNC_FAIL) }
    st.uploadRead = UInt64(offset)
    return Int32(CURL_SEEKFUNC_OK)
}

/// Called by libcurl many times a second during a transfer (with `NOPROGRESS` off): reports upload
/// progress, and stops the transfer when Ctrl-C raised the CSupport flag. `NOSIGNAL` makes libcurl
/// retry `poll` on EINTR, so this check is the only way a SIGINT reaches a running transfer.
let curlProgress: curl_xferinfo_callback = { userdata, _, _, _, ulnow in
    guard let st = state(userdata) else { return 0 }
    if vcd_sigint_pending() != 0 {
        st.abortedByUser = true
        return 1
    }
    if st.uploadFD >= 0 { st.reportUpload(sent: Int64(ulnow)) }
    return 0
}
