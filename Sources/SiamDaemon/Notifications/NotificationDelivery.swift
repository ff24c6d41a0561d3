import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import SiamCore
import SiamStore
import Synchronization

/// Settings of webhook delivery (`siamd run`).
public struct DeliverySettings: Sendable, Equatable {
    /// Notifications claimed per round.
    public var batchSize: Int = 50
    /// The whole of one request: connect, send, answer.
    public var timeout: Duration = .seconds(10)
    public var backoff = DeliveryBackoff()
    /// Who the events of deliveries name.
    public var actor: String = "siamd"

    public init(batchSize: Int = 50, timeout: Duration = .seconds(10), backoff: DeliveryBackoff = DeliveryBackoff(),
                actor: String = "siamd") {
        self.batchSize = batchSize
        self.timeout = timeout
        self.backoff = backoff
        self.actor = actor
    }

    /// How long a claim holds a notification: the request's timeout and a margin. A daemon that
    /// dies mid-send leaves it due again after this.
    var leaseSeconds: Int { Int(timeout.components.seconds) + 30 }
}

/// What one round did.
public struct DeliveryRound: Sendable, Equatable {
    public var claimed = 0
    public var delivered = 0
    public var retrying = 0
    public var failed = 0
}

/// Webhook signatures (docs/integration.md, "Verifying a webhook"): HMAC-SHA256 with the
/// receiver's secret over `TIMESTAMP.BODY` (the Unix time in seconds of `X-Siamd-Timestamp`, a
/// full stop, the body's bytes), sent as `X-Siamd-Signature: sha256=HEX`.
public enum WebhookSignature {
    public static func sign(secret: String, timestamp: Int, body: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: key)
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// Delivers the notifications the event trigger records, at least once: claims the due ones
/// (`siam.notifications_claim`: `FOR UPDATE SKIP LOCKED`, each leased, in its own short
/// transaction, so several daemons share the work and none waits for another), sends them all
/// at once, and records each answer as it comes (`siam.notification_record`, its own short
/// transaction: the attempt row, the state change and its event together). A receiver that
/// hangs or fails holds up only its own notifications: the others' answers are recorded as
/// they arrive, and its own retry later with backoff.
///
/// Runs on its own thread and database connection beside the coordination loop (`Daemon`).
public final class NotificationDelivery: @unchecked Sendable {
    public var settings: DeliverySettings
    let logger: SiamDaemon.Logger
    let client: HTTPClient
    let database: String?
    private var connection: PostgresConnection?
    private let stopFlag = Atomic<Bool>(false)

    public init(database: String?, settings: DeliverySettings, logger: SiamDaemon.Logger) {
        self.database = database
        self.settings = settings
        self.logger = logger
        // TLS certificates are verified (the default configuration); redirects are not
        // followed (a receiver's URL is the one registered); every request has a deadline.
        let timeout = TimeAmount.nanoseconds(Int64(settings.timeout.components.seconds) * 1_000_000_000
                                             + settings.timeout.components.attoseconds / 1_000_000_000)
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                                    timeout: .init(connect: timeout, read: timeout)))
    }

    deinit {
        try? client.syncShutdown()
    }

    public func requestStop() { stopFlag.store(true, ordering: .relaxed) }
    var stopRequested: Bool { stopFlag.load(ordering: .relaxed) }

    func connected() throws -> PostgresConnection {
        if let connection, connection.isConnected { return connection }
        let fresh = try PostgresConnection.connect(database)
        // Told apart from the coordination loop's connection in pg_stat_activity.
        _ = try fresh.query("SELECT set_config('application_name', left(current_setting('application_name') || ' delivery', 63), false)")
        try fresh.listen("siam_event")
        connection = fresh
        return fresh
    }

    /// Runs rounds until stopped: after each, waits for new events, the next due
    /// notification or a second, whichever comes first.
    public func run() {
        var delay = Duration.milliseconds(100)
        while !stopRequested {
            do {
                let round = try deliverDue()
                delay = .milliseconds(100)
                if round.claimed >= settings.batchSize { continue }
                let connection = try connected()
                let wait = try secondsUntilNextDue(connection).map { Duration.milliseconds(Int($0 * 1000)) } ?? .seconds(1)
                _ = try connection.waitForNotifications(timeout: min(max(wait, .milliseconds(10)), .seconds(1)))
            } catch {
                logger.warning("notification delivery: database error; trying again", [("error", "\(error)"), ("in", "\(delay)")])
                connection = nil
                Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    func secondsUntilNextDue(_ connection: PostgresConnection) throws -> Double? {
        let row = try connection.query("""
            SELECT extract(epoch FROM siam.notification_next_due() - siam.clock())::float8 AS seconds
            """).first
        guard let text = row.flatMap({ try? $0.optionalString("seconds") }) else { return nil }
        return Double(text)
    }

    struct Claimed: Sendable {
        let id: Int64
        let attempt: Int
        let key: String
        let receiver: String
        let url: String
        let secret: String?
        let body: String
        let ageSeconds: Int
        let timestamp: Int
    }

    struct Outcome: Sendable {
        let claimed: Claimed
        let status: Int?
        let error: String?
        let milliseconds: Int
    }

    /// One round: claim what is due, send it all, record each answer as it arrives.
    @discardableResult
    public func deliverDue() throws -> DeliveryRound {
        let connection = try connected()
        let claimed: [Claimed] = try connection.transaction(actor: settings.actor) {
            try connection.query("""
                SELECT id, attempt, idempotency_key::text AS key, receiver, url, secret, body, age_seconds,
                       extract(epoch FROM now)::bigint AS timestamp
                FROM siam.notifications_claim($1::integer, $2::integer)
                """, [settings.batchSize, settings.leaseSeconds]).rows.map { row in
                Claimed(id: try row.int64("id"), attempt: try row.int("attempt"), key: try row.string("key"),
                        receiver: try row.string("receiver"), url: try row.string("url"),
                        secret: try row.optionalString("secret"), body: try row.string("body"),
                        ageSeconds: try row.int("age_seconds"), timestamp: try row.int("timestamp"))
            }
        }
        var round = DeliveryRound()
        round.claimed = claimed.count
        guard !claimed.isEmpty else { return round }

        // Each answer lands here as it comes; this thread records them one by one.
        let answers = AnswerQueue()
        for item in claimed {
            send(item) { answers.push($0) }
        }
        for _ in claimed {
            let outcome = answers.pop()
            switch try record(outcome, on: connection) {
            case .delivered: round.delivered += 1
            case .retry: round.retrying += 1
            case .giveUp: round.failed += 1
            case nil: break
            }
        }
        return round
    }

    enum Recorded { case delivered, retry, giveUp }

    func send(_ item: Claimed, done: @escaping @Sendable (Outcome) -> Void) {
        let started = ContinuousClock.now
        @Sendable func finish(status: Int?, error: String?) {
            let elapsed = ContinuousClock.now - started
            done(Outcome(claimed: item, status: status, error: error,
                         milliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: "siamd/\(SiamdVersion.current)")
        headers.add(name: "Idempotency-Key", value: item.key)
        headers.add(name: "X-Siamd-Timestamp", value: String(item.timestamp))
        if let secret = item.secret {
            headers.add(name: "X-Siamd-Signature", value: WebhookSignature.sign(secret: secret, timestamp: item.timestamp, body: item.body))
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: item.url, method: .POST, headers: headers, body: .string(item.body))
        } catch {
            finish(status: nil, error: "invalid URL: \(error)")
            return
        }
        let deadline = NIODeadline.now() + .seconds(Int64(settings.timeout.components.seconds))
        client.execute(request: request, deadline: deadline).whenComplete { result in
            switch result {
            case .success(let response):
                let code = Int(response.status.code)
                finish(status: code, error: (200..<300).contains(code) ? nil : "HTTP \(code) \(response.status.reasonPhrase)")
            case .failure(let error):
                finish(status: nil, error: Self.describe(error))
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: return "\(error)"
            }
        }
        return String(describing: error)
    }

    func record(_ outcome: Outcome, on connection: PostgresConnection) throws -> Recorded? {
        let item = outcome.claimed
        let decision: Recorded
        var retryIn = 0
        if outcome.error == nil {
            decision = .delivered
        } else {
            switch settings.backoff.afterFailure(attempt: item.attempt, ageSeconds: item.ageSeconds, jitter: Double.random(in: 0..<1)) {
            case .retry(let seconds): decision = .retry; retryIn = seconds
            case .giveUp: decision = .giveUp
            }
        }
        let word = switch decision { case .delivered: "delivered"; case .retry: "retry"; case .giveUp: "failed" }
        let recorded = try connection.transaction(actor: settings.actor) {
            try connection.query("""
                SELECT siam.notification_record($1::bigint, $2::integer, $3, $4::integer, $5, $6::integer, $7::integer) AS ok
                """, [item.id, item.attempt, word, outcome.status, outcome.error, outcome.milliseconds, retryIn]).first!.bool("ok")
        }
        var fields: [(String, String)] = [("notification", String(item.id)), ("receiver", item.receiver),
                                          ("attempt", String(item.attempt)), ("outcome", word),
                                          ("ms", String(outcome.milliseconds))]
        if let status = outcome.status { fields.append(("status", String(status))) }
        if let error = outcome.error { fields.append(("error", error)) }
        if decision == .retry { fields.append(("retry_in", "\(retryIn)s")) }
        if !recorded { fields.append(("note", "claim lost meanwhile: not recorded")) }
        logger.log(decision == .delivered ? .info : .warning, "notification", fields)
        return recorded ? decision : nil
    }
}

/// A blocking queue of answers, filled by the HTTP client's event loop.
final class AnswerQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [NotificationDelivery.Outcome] = []

    func push(_ item: NotificationDelivery.Outcome) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    func pop() -> NotificationDelivery.Outcome {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        return items.removeFirst()
    }
}
