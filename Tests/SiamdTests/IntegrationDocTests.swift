import Foundation
import SiamCore
import SiamStore
import Testing

/// docs/integration.md cannot rot: every `sql` block runs here through psql, as the role its
/// first line names (`-- as: integrator` or `-- as: acme`), in document order; a block with
/// `-- expect: SQLSTATE` must fail with exactly that SQLSTATE.
@Suite struct IntegrationDocTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/integration.md").path

    struct Block {
        let role: String
        let expected: String?
        let sql: String
    }

    static func blocks() throws -> [Block] {
        let text = try String(contentsOfFile: document, encoding: .utf8)
        var blocks: [Block] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sql" {
                current = []
            } else if current != nil, line == "```" {
                let lines = current!
                let role = lines.first { $0.hasPrefix("-- as: ") }.map { String($0.dropFirst(7)) } ?? "?"
                let expected = lines.first { $0.hasPrefix("-- expect: ") }.map { String($0.dropFirst(11)) }
                blocks.append(Block(role: role, expected: expected, sql: lines.joined(separator: "\n") + "\n"))
                current = nil
            } else if current != nil {
                current!.append(String(line))
            }
        }
        return blocks
    }

    @Test func everySnippetRunsAsDocumented() throws {
        let blocks = try Self.blocks()
        #expect(blocks.count >= 10)
        let database = try TestDatabase()
        let world = try World.build(in: database)
        for _ in 0..<2 {
            _ = try world.store.openIncident(NewIncident(
                service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        }
        let roles = [
            "integrator": try database.loginRole("portal", group: "siam_admin").role,
            "acme": try database.loginRole("acme_sync", supplier: "acme").role,
        ]
        let cluster = try TestCluster.cluster()
        for (index, block) in blocks.enumerated() {
            let role = try #require(roles[block.role], "block \(index + 1) names unknown role '\(block.role)'")
            if block.sql.contains("events_after") { try database.waitForFeed() }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("siamd-doc-\(UUID().uuidString).sql")
            try ("\\set VERBOSITY verbose\n" + block.sql).write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let result = try ChildProcess.run(try LocalCluster.findBinaries() + "/psql", [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cluster.directory, "-U", role, "-d", database.name, "-f", file.path,
            ])
            if let expected = block.expected {
                #expect(result.status == 3, "block \(index + 1) should fail with \(expected):\n\(block.sql)")
                #expect(result.stderr.contains("ERROR:  \(expected):"), "block \(index + 1): \(result.stderr)")
            } else {
                #expect(result.status == 0, "block \(index + 1) failed:\n\(block.sql)\n\(result.stderr)")
            }
        }
        // The walk-through did what it says.
        let ref = try database.connect().query("SELECT incident FROM siam.external_ref WHERE ticket = 'INC0042'").first
        #expect(ref != nil)
        #expect(try database.connect().query("SELECT count(*) AS n FROM siam.handoff WHERE out_of_scope").first?.int("n") == 1)
        #expect(try database.connect().query("SELECT ruling FROM siam.scope_dispute").rows.map { try $0.optionalString("ruling") }
            == ["out_of_scope"])
    }
}
