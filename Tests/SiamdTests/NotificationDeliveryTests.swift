import Foundation
import SiamCore
import SiamDaemon
import SiamStore
import Testing

/// Webhook delivery against a real HTTP receiver on loopback (Fixtures/webhook_receiver.py),
/// which verifies signatures as docs/integration.md tells receivers to, and answers 500 to
/// the first requests when asked.
@Suite struct NotificationDeliveryTests {
    static let secret = "s3cret-s3cret-s3cret"

    struct Receiver {
        let port: UInt16
        let log: String
        let process: ChildProcess.Running

        init(failFirst: Int = 0) throws {
            port = try Loopback.freePort()
            log = NSTemporaryDirectory() + "siamd-webhook-\(getpid())-\(port).jsonl"
            FileManager.default.createFile(atPath: log, contents: nil)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/webhook_receiver.py").path
            process = try ChildProcess.start("/usr/bin/env", ["python3", script, String(port), log, NotificationDeliveryTests.secret,
                                                              String(failFirst)])
            // Listening once a connection works (bounded).
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ContinuousClock.now < deadline {
                if Self.accepts(port) { return }
                usleep(50_000)
            }
            throw TestClusterError("the webhook receiver did not start")
        }

        static func accepts(_ port: UInt16) -> Bool {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = port.bigEndian
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }

        var url: String { "http://127.0.0.1:\(port)/hook" }

        /// The requests received so far.
        func requests() throws -> [[String: Any]] {
            try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
        }

        func stop() {
            process.signal(SIGKILL)
            _ = try? process.wait()
            unlink(log)
        }
    }

    func delivery(_ database: TestDatabase) -> NotificationDelivery {
        NotificationDelivery(database: database.conninfo,
                             settings: DeliverySettings(timeout: .seconds(5),
                                                        backoff: DeliveryBackoff(baseSeconds: 1, maxDelaySeconds: 1, maxAgeSeconds: 3600)),
                             logger: Logger(level: .error, sink: { _ in }))
    }

    /// Runs delivery rounds until an event of `kind` has been written `count` times, waiting on
    /// the event channel between rounds (bounded).
    func deliver(_ delivery: NotificationDelivery, _ database: TestDatabase, until kind: String, count: Int = 1) throws -> Bool {
        let listener = try database.connect()
        try listener.listen("siam_event")
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            try delivery.deliverDue()
            if try listener.query("SELECT count(*) AS n FROM siam.event WHERE kind = $1", [kind]).first!.int("n") >= count { return true }
            _ = try listener.waitForNotifications(timeout: .milliseconds(200))
        }
        return false
    }

    @Test func anOfferReachesTheSuppliersWebhookSignedWithItsIdempotencyKey() throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let admin = try database.connect()
        try admin.transaction(actor: "tester") {
            _ = try admin.query("SELECT siam.receiver_add('acme-hook', 'acme', 'webhook', $1, $2)", [receiver.url, Self.secret])
            _ = try admin.query("SELECT siam.route_add('acme-hook')")
        }
        let incident = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                                customer: nil, userTier: nil, offerTo: "acme", hold: false))
        #expect(try deliver(delivery(database), database, until: "notification.delivered"))
        let requests = try receiver.requests()
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request["verified"] as? Bool == true)
        let body = try #require(request["body"] as? [String: Any])
        let event = try #require(body["event"] as? [String: Any])
        #expect(event["kind"] as? String == "handoff.offered")
        #expect((body["incident"] as? [String: Any])?["id"] as? Int == Int(incident))
        #expect((body["handoff"] as? [String: Any])?["to_supplier"] as? String == "acme")
        let row = try admin.query("SELECT state, attempts, idempotency_key::text AS key, delivered_at IS NOT NULL AS at FROM siam.notification").first!
        #expect(try row.string("state") == "delivered" && row.int("attempts") == 1 && row.bool("at"))
        #expect(request["key"] as? String == (try row.string("key")))
        #expect((body["notification"] as? [String: Any])?["idempotency_key"] as? String == (try row.string("key")))
    }

    @Test func aReceiverThatAnswers500IsTriedAgainAndThenDelivered() throws {
        let receiver = try Receiver(failFirst: 1)
        defer { receiver.stop() }
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let admin = try database.connect()
        try admin.transaction(actor: "tester") {
            _ = try admin.query("SELECT siam.receiver_add('ops', 'integrator', 'webhook', $1, p_format => 'chat')", [receiver.url])
            _ = try admin.query("SELECT siam.route_add('ops', ARRAY['handoff.offered'])")
        }
        _ = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                     customer: nil, userTier: nil, offerTo: "beta", hold: false))
        #expect(try deliver(delivery(database), database, until: "notification.delivered"))
        let requests = try receiver.requests()
        #expect(requests.map { $0["status"] as? Int } == [500, 204])
        // The same message twice, same idempotency key; unsigned (no secret); the chat body.
        #expect(Set(requests.compactMap { $0["key"] as? String }).count == 1)
        #expect(requests.allSatisfy { $0["signed"] as? Bool == false })
        let text = try #require((requests[1]["body"] as? [String: Any])?["text"] as? String)
        #expect(text.hasPrefix("[siamd] handoff.offered #1 P2 (beta): "), "\(text)")
        let attempts = try admin.query("SELECT attempt, outcome, status FROM siam.notification_attempt ORDER BY attempt").rows
        #expect(try attempts.map { "\(try $0.int("attempt")) \(try $0.string("outcome")) \(try $0.int("status"))" }
                == ["1 retry 500", "2 delivered 204"])
        let kinds = try admin.query("SELECT kind FROM siam.event WHERE kind LIKE 'notification.%' ORDER BY id").rows
        #expect(try kinds.map { try $0.string("kind") } == ["notification.attempt_failed", "notification.delivered"])
    }

    @Test func pastItsMaximumAgeItFailsWithTheLastErrorAndARetryDeliversIt() throws {
        let receiver = try Receiver(failFirst: 1)
        defer { receiver.stop() }
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let admin = try database.connect()
        try admin.transaction(actor: "tester") {
            _ = try admin.query("SELECT siam.receiver_add('ops', 'integrator', 'webhook', $1)", [receiver.url])
            _ = try admin.query("SELECT siam.route_add('ops', ARRAY['handoff.offered'])")
            // A dead receiver next to it: it does not hold the other back.
            _ = try admin.query("SELECT siam.receiver_add('dead', 'integrator', 'webhook', $1)", ["http://127.0.0.1:\(try Loopback.freePort())/"])
            _ = try admin.query("SELECT siam.route_add('dead', ARRAY['handoff.offered'])")
        }
        _ = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "Router down",
                                                     customer: nil, userTier: nil, offerTo: "beta", hold: false))
        let noRetries = NotificationDelivery(
            database: database.conninfo,
            settings: DeliverySettings(timeout: .seconds(5), backoff: DeliveryBackoff(baseSeconds: 1, maxDelaySeconds: 1, maxAgeSeconds: 0)),
            logger: Logger(level: .error, sink: { _ in }))
        #expect(try deliver(noRetries, database, until: "notification.failed", count: 2))
        let failed = try admin.query("""
            SELECT r.name, n.last_error FROM siam.notification AS n JOIN siam.receiver AS r ON r.id = n.receiver
            WHERE n.state = 'failed' ORDER BY r.name
            """).rows
        #expect(try failed.map { try $0.string("name") } == ["dead", "ops"])
        #expect(try failed[1].string("last_error") == "HTTP 500 Internal Server Error")
        let ops = try admin.query("SELECT n.id FROM siam.notification AS n JOIN siam.receiver AS r ON r.id = n.receiver WHERE r.name = 'ops'").first!.int64("id")
        try admin.transaction(actor: "tester") { _ = try admin.query("SELECT siam.notification_retry($1::bigint)", [ops]) }
        #expect(try deliver(delivery(database), database, until: "notification.delivered"))
        #expect(try receiver.requests().map { $0["status"] as? Int } == [500, 204])
    }
}
