import Foundation
import SiamStore
import Testing

/// With no database configured at all, siamd starts its own PostgreSQL in its state directory.
@Suite struct EmbeddedDatabaseTests {
    @Test func worksOutOfTheBoxKeepsDataAndIsRemovedOnRequest() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("siamd-embedded-\(UUID().uuidString)").path
        defer { _ = try? CLI.run(["db", "stop-embedded", "--remove"], environment: ["SIAMD_STATE_DIR": state]) }
        let environment = ["SIAMD_STATE_DIR": state]
        // CLI.run clears PG* and DATABASE_URL: nothing is configured.
        let added = try CLI.run(["service", "add", "network", "--name", "Network"], environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let stopped = try CLI.run(["db", "stop-embedded"], environment: environment)
        #expect(stopped.stdout == "stopped the embedded database in \(state)\n")
        // Started again on next use, with its data.
        let listed = try CLI.run(["service", "list", "--json"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("\"code\":\"network\""))
        let removed = try CLI.run(["db", "stop-embedded", "--remove"], environment: environment)
        #expect(removed.stdout == "stopped and removed the embedded database in \(state)\n")
        #expect(!FileManager.default.fileExists(atPath: state + "/postgres"))
    }

    @Test func aConfiguredDatabaseAlwaysWins() {
        #expect(EmbeddedDatabase.applies(explicit: nil, environment: [:]))
        #expect(!EmbeddedDatabase.applies(explicit: "postgresql:///x", environment: [:]))
        #expect(!EmbeddedDatabase.applies(explicit: nil, environment: ["DATABASE_URL": "postgresql:///x"]))
        #expect(!EmbeddedDatabase.applies(explicit: nil, environment: ["PGSERVICE": "siam"]))
        #expect(!EmbeddedDatabase.applies(explicit: nil, environment: ["PGHOST": "db1,db2"]))
        #expect(EmbeddedDatabase.applies(explicit: "", environment: ["HOME": "/root"]))
    }
}
