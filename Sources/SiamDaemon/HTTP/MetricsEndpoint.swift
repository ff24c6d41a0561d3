/// What the metrics server answers to a request head: /metrics and /healthz, for GET and HEAD.
/// No sockets here, so every route is a plain function of the request.
struct MetricsEndpoint: Sendable {
    let metrics: DaemonMetrics
    /// Called on the server thread for each /healthz request.
    let health: @Sendable () -> (healthy: Bool, detail: String)

    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The response to a parsed request; HEAD gets the same one, sent without its body.
    func respond(to request: HTTPRequestHead) -> HTTPResponse {
        // An unknown path is 404 whatever the method: there is no resource to allow methods on.
        guard request.path == "/metrics" || request.path == "/healthz" else {
            return .text(.notFound, "not found\n")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(.methodNotAllowed, "method not allowed\n", extraHeaders: ["Allow": "GET, HEAD"])
        }
        if request.path == "/metrics" {
            return HTTPResponse(
                status: .ok, contentType: Self.metricsContentType, extraHeaders: [:], body: Array(metrics.render().utf8))
        }
        let (healthy, detail) = health()
        // First line "ok" or "unhealthy", so a script can test it; the detail on the next.
        let body = (healthy ? "ok\n" : "unhealthy\n") + (detail.isEmpty ? "" : detail + "\n")
        return .text(healthy ? .ok : .serviceUnavailable, body)
    }

    /// The response to a head that could not be parsed.
    static func respond(to failure: HTTPRequestHead.Failure) -> HTTPResponse {
        switch failure {
        case .malformed(let reason): .text(.badRequest, "bad request: \(reason)\n")
        case .unsupportedVersion: .text(.httpVersionNotSupported, "only HTTP/1.x is supported\n")
        }
    }
}
