import Foundation
import SiamCore
import SiamStore
import Testing

/// `siamd incident explain ID`: each supplier with why it was or was not chosen, the clocks,
/// the escalations and what a pass would do now; nothing changes.
@Suite struct IncidentExplainCLITests {
    @Test func explainsWhoIsPassedOverAndWhatAPassWouldDo() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let store = world.store
        try store.addService(code: "cloud", name: "Cloud")
        let id = try store.openIncident(NewIncident(service: "network", priority: .p2, title: "VPN down", customer: nil,
                                                    userTier: nil, offerTo: "acme", hold: false))
        let offer = try #require(try store.handoffs(HandoffFilter(incident: id)).first)
        try database.store(actor: "acme-sync").reject(handoff: offer.id, reason: "not ours today", outOfScope: false)
        let events = try database.count("siam.event")

        let result = try CLI.run(["incident", "explain", String(id)], database: database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.hasPrefix("incident \(id) (network, P2, new, owned by nobody): VPN down\nas of "), "\(text)")
        #expect(text.contains("""
            suppliers serving network, in the router's order:
              SUPPLIER  RANK  STATUS      LOAD         VERDICT
              acme      1     active      0/2          passed over: rejected it
              beta      2     active      0/unlimited  chosen: best eligible (rank 2, load 0/unlimited)
              gamma     3     onboarding  0/unlimited  passed over: onboarding, not active

            """), "\(text)")
        #expect(text.contains("\nclocks:\n  CLOCK            STARTED"), "\(text)")
        #expect(text.contains("  SLA acknowledge  "), "\(text)")
        #expect(text.contains("  SLA resolve      "), "\(text)")
        #expect(text.contains("""
            a pass now would:
              offer: after a rejected offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 rejected it

            """), "\(text)")
        // Nothing was changed by looking.
        #expect(try database.count("siam.event") == events)

        let json = try CLI.run(["incident", "explain", String(id), "--json"], database: database.conninfo)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let candidates = try #require(object["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["verdict"] as? String } == ["excluded", "chosen", "not_active"])
        #expect((object["clocks"] as? [Any])?.count == 2)
        #expect((object["plan"] as? [[String: Any]])?.first?["decision"] as? String == "offer")
    }

    @Test func anUnknownIncidentIsAnError() throws {
        let database = try TestDatabase()
        try CLI.expectRefused(["incident", "explain", "999"], database, status: 1, "unknown incident 999", atStart: false)
    }
}
