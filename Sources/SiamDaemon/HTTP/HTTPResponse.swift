/// The status codes the metrics endpoint answers with.
enum HTTPStatus: Int, Sendable {
    case ok = 200
    case badRequest = 400
    case notFound = 404
    case methodNotAllowed = 405
    case requestTimeout = 408
    case requestHeaderFieldsTooLarge = 431
    case serviceUnavailable = 503
    case httpVersionNotSupported = 505

    var reasonPhrase: String {
        switch self {
        case .ok: "OK"
        case .badRequest: "Bad Request"
        case .notFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .requestTimeout: "Request Timeout"
        case .requestHeaderFieldsTooLarge: "Request Header Fields Too Large"
        case .serviceUnavailable: "Service Unavailable"
        case .httpVersionNotSupported: "HTTP Version Not Supported"
        }
    }
}

/// One response: always with `Content-Length` and `Connection: close`, since every connection
/// carries exactly one request.
struct HTTPResponse: Sendable, Equatable {
    var status: HTTPStatus
    var contentType: String
    /// Headers besides Content-Type, Content-Length, Date and Connection, e.g. `Allow`.
    var extraHeaders: [String: String]
    var body: [UInt8]

    static let plainText = "text/plain; charset=utf-8"

    /// A plain-text response.
    static func text(_ status: HTTPStatus, _ body: String, extraHeaders: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: plainText, extraHeaders: extraHeaders, body: Array(body.utf8))
    }

    /// The bytes on the wire. Without the body for HEAD, but with the body's Content-Length
    /// (RFC 9110, 9.3.2).
    func serialized(includeBody: Bool, date: String) -> [UInt8] {
        var head = "HTTP/1.1 \(status.rawValue) \(status.reasonPhrase)\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for name in extraHeaders.keys.sorted() {
            head += "\(name): \(extraHeaders[name]!)\r\n"
        }
        head += "Date: \(date)\r\n"
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? body : [])
    }
}
