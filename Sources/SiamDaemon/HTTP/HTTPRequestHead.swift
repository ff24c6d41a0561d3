// Just enough of an HTTP/1.1 request head (RFC 9112) to route a scrape: the request line is
// checked strictly, header lines only for their shape, since nothing here depends on a header.
// A body (which GET and HEAD do not have) is never read; the connection closes after one
// response. The Host header is not required, so that `printf 'GET /metrics HTTP/1.1\r\n\r\n'`
// through nc works when debugging.

/// The method and path of a request; the query and fragment are dropped.
struct HTTPRequestHead: Equatable, Sendable {
    var method: String
    var path: String

    /// The largest head accepted: request line, header lines and the empty line, in bytes.
    static let maximumLength = 8 * 1024

    /// Why a head was refused.
    enum Failure: Error, Equatable {
        /// Not an HTTP/1.x request head; the reason is for the 400 body.
        case malformed(String)
        /// A well-formed request of another major version (505).
        case unsupportedVersion
    }

    /// The length of the head at the start of `buffer`, up to and including the empty line that
    /// ends it; nil while it is incomplete. Accepts a bare LF for CRLF (RFC 9112, 2.2), and skips
    /// empty lines before the request line.
    static func length(in buffer: some Collection<UInt8>) -> Int? {
        var sawContent = false
        var lineIsEmpty = true
        var offset = 0
        for byte in buffer {
            offset += 1
            switch byte {
            case UInt8(ascii: "\n"):
                if lineIsEmpty && sawContent { return offset }
                lineIsEmpty = true
            case UInt8(ascii: "\r"):
                break
            default:
                sawContent = true
                lineIsEmpty = false
            }
        }
        return nil
    }

    /// Parses a complete head, as delimited by ``length(in:)``.
    static func parse(_ head: some Collection<UInt8>) -> Result<HTTPRequestHead, Failure> {
        var lines: [ArraySlice<UInt8>] = []
        for rawLine in Array(head).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            // A CR anywhere else could smuggle a line break past another parser.
            if line.contains(UInt8(ascii: "\r")) { return .failure(.malformed("stray carriage return")) }
            lines.append(line)
        }
        // Empty lines before the request line are allowed; the ones at the end close the head.
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(.malformed("empty request")) }

        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.malformed("the request line is not \"METHOD TARGET HTTP/1.1\"")) }
        let (method, target, version) = (parts[0], parts[1], parts[2])

        guard !method.isEmpty, method.allSatisfy(isTokenCharacter) else { return .failure(.malformed("invalid method")) }
        guard let path = path(of: target) else { return .failure(.malformed("invalid request target")) }
        switch majorVersion(version) {
        case 1?: break
        case _?: return .failure(.unsupportedVersion)
        case nil: return .failure(.malformed("invalid HTTP version"))
        }
        for field in lines.dropFirst() {
            // Also refuses obsolete line folding (a line starting with a space or tab).
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > field.startIndex,
                field[..<colon].allSatisfy(isTokenCharacter)
            else { return .failure(.malformed("invalid header line")) }
        }
        return .success(HTTPRequestHead(method: String(decoding: method, as: UTF8.self), path: path))
    }

    /// The path of an origin-form (`/metrics?x=1`) or absolute-form (`http://host/metrics`)
    /// target, or `*`; nil for anything else or for control characters.
    private static func path(of target: ArraySlice<UInt8>) -> String? {
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        var text = String(decoding: target, as: UTF8.self)
        if text == "*" { return text }
        if !text.hasPrefix("/") {
            guard let scheme = text.range(of: "://"),
                text[..<scheme.lowerBound].lowercased() == "http" || text[..<scheme.lowerBound].lowercased() == "https"
            else { return nil }
            let afterAuthority = text[scheme.upperBound...]
            text = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map {
                afterAuthority[$0] == "/" ? String(afterAuthority[$0...]) : "/" + afterAuthority[$0...]
            } ?? "/"
        }
        return String(text.prefix { $0 != "?" && $0 != "#" })
    }

    /// The major version of `HTTP/d.d`, or nil when it is not of that form.
    private static func majorVersion(_ version: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(version)
        guard bytes.count == 8, bytes.starts(with: Array("HTTP/".utf8)), bytes[6] == UInt8(ascii: "."),
            isDigit(bytes[5]), isDigit(bytes[7])
        else { return nil }
        return Int(bytes[5] - UInt8(ascii: "0"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// RFC 9110 `tchar`: the characters of methods and field names.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
