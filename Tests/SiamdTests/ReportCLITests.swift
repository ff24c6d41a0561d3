import Foundation
import Testing

/// `siamd status` and `siamd report` as the real binary runs them: whole outputs on known
/// worlds at fixed clocks, the JSON and CSV forms, and the error paths.
@Suite struct ReportCLITests {
    /// Runs siamd and expects success with nothing on stderr.
    func ok(_ arguments: [String], _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLI.run(arguments, database: database.conninfo)
        #expect(result.status == 0, "siamd \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs siamd and expects a one-line error with the exit status, nothing on stdout, and
    /// no change in the database.
    func refused(_ arguments: [String], _ database: TestDatabase, status: Int32, _ message: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try CLI.expectRefused(arguments, database, status: status, message, atStart: true, sourceLocation: sourceLocation)
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("siamd-\(UUID().uuidString)-\(name)")
    }

    // MARK: - siamd status

    @Test func statusTableOnAKnownWorld() throws {
        let fixture = try ReportStatusFixture()
        #expect(try ok(["status"], fixture.world.database) == """
            siamd status at 2026-06-01T12:00:00Z

            Daemons: 1 alive
              HOST   PID   VERSION  ALIVE    LAST PASS  PASS    PASSES  ACTIONS  STARTED
              ops-1  4242  0.2.0    yes      10s ago    125 ms  12      3        2026-06-01T11:59:00Z
              ops-2  77    0.2.0    stopped  never      -       0       0        2026-06-01T10:00:00Z

            Open incidents: 9
              STATE        P1  P2  P3  P4  TOTAL
              new          0   2   4   0   6
              assigned     1   0   0   0   1
              in_progress  0   1   0   0   1
              pending      0   1   0   0   1
              total        1   4   4   0   9

            Late or due within 1h: 4 overdue, 1 due soon
              INCIDENT  PRIORITY  CLOCK            DUE                   WHEN           SUPPLIER  SERVICE  TITLE
              1         P2        sla acknowledge  2026-06-01T09:00:00Z  3h late        -         network  Core router down
              5         P2        sla acknowledge  2026-06-01T10:00:01Z  1h59m59s late  -         network  DNS slow
              4         P2        ola resolve      2026-06-01T11:00:00Z  1h late        delta     network  WAN latency
              1         P2        sla resolve      2026-06-01T12:00:00Z  now            -         network  Core router down
              4         P2        sla resolve      2026-06-01T13:00:00Z  in 1h          delta     network  WAN latency

            Pending handoffs: 4
              HANDOFF  INCIDENT  TO    OFFERED  ACCEPT DUE            WHEN
              6        9         beta  50m ago  2026-06-01T11:40:00Z  20m late
              8        11        beta  20m ago  2026-06-01T12:10:00Z  in 10m
              5        8         acme  1h ago   -                     -
              7        10        acme  40m ago  -                     -

            Open escalations: 4 (3 not acknowledged)
              ID  RULE             LEVEL  INCIDENT  SUPPLIER  NOTIFY      RAISED     ACK  REASON
              1   sla-acknowledge  2      1         -         integrator  2h30m ago  no   75 % of the acknowledge clock
              4   ola-resolve      1      4         delta     supplier    1h ago     no   ola resolve clock ran out
              3   capacity         1      -         delta     integrator  1h ago     no   delta at 50 % of its capacity
              2   sla-acknowledge  4      5         -         integrator  2h ago     yes  acknowledge clock ran out

            Open scope disputes: 0

            Suppliers: 4
              SUPPLIER  STATUS  LOAD  CAPACITY   USE   OFFERS
              acme      active  0     unlimited  -     2
              beta      active  1     unlimited  -     2
              delta     active  2     4          50 %  0
              gamma     active  0     unlimited  -     0

            """)
        // The ids above are the fixture's, in the order it made them.
        #expect([fixture.s1, fixture.s4, fixture.s3, fixture.s2] == [1, 2, 5, 4])
        #expect([fixture.offerS10, fixture.offerS9, fixture.offerS6, fixture.offerS11] == [6, 8, 5, 7])
    }

    @Test func statusOfAnEmptyDatabaseSaysNoDaemonCoordinates() throws {
        let database = try TestDatabase(now: "2026-06-01T12:00:00Z")
        #expect(try ok(["status", "--horizon", "30m"], database) == """
            siamd status at 2026-06-01T12:00:00Z

            Daemons: 0 alive (no siamd run is coordinating: nothing expires, nothing is reassigned)

            Open incidents: 0

            Late or due within 30m: 0 overdue, 0 due soon

            Pending handoffs: 0

            Open escalations: 0 (0 not acknowledged)

            Open scope disputes: 0

            Suppliers: 0

            """)
    }

    @Test func statusAsJSON() throws {
        let fixture = try ReportStatusFixture()
        let status = try object(try ok(["status", "--json"], fixture.world.database))
        #expect(status["now"] as? String == "2026-06-01T12:00:00Z")
        #expect(status["horizon_seconds"] as? Int == 3600)
        #expect(status["overdue"] as? Int == 4)   // s4 is pending: its SLA and OLA clocks are paused
        #expect(status["due_soon"] as? Int == 1)
        #expect(status["pending_handoffs"] as? Int == 4)
        #expect(status["open_escalations"] as? Int == 4)
        #expect(status["unacknowledged_escalations"] as? Int == 3)
        #expect(status["open_disputes"] as? Int == 0)
        #expect(status["oldest_open_dispute"] is NSNull)
        let daemons = try #require(status["daemons"] as? [[String: Any]])
        #expect(daemons.map { $0["host"] as? String } == ["ops-1", "ops-2"])
        #expect(daemons.map { $0["alive"] as? Bool } == [true, false])
        #expect(daemons[0]["last_pass_at"] as? String == "2026-06-01T11:59:50Z")
        #expect(daemons[0]["last_pass_seconds"] as? Double == 0.125)
        #expect(daemons[0]["stopped_at"] is NSNull)
        #expect(daemons[1]["stopped_at"] as? String == "2026-06-01T10:30:00Z")
        let open = try #require(status["open_incidents"] as? [[String: Any]])
        #expect(open.map { "\($0["state"]!) \($0["priority"]!) \($0["count"]!)" }
            == ["new P2 2", "new P3 4", "assigned P1 1", "in_progress P2 1", "pending P2 1"])
        let clocks = try #require(status["clocks_at_risk"] as? [[String: Any]])
        #expect(clocks.map { $0["clock"] as? String }
            == ["sla acknowledge", "sla acknowledge", "ola resolve", "sla resolve", "sla resolve"])
        #expect(clocks.map { $0["overdue"] as? Bool } == [true, true, true, true, false])
        #expect(clocks[0]["supplier"] is NSNull)
        #expect(clocks[2]["supplier"] as? String == "delta")
        let offers = try #require(status["earliest_handoffs"] as? [[String: Any]])
        #expect(offers.map { $0["id"] as? Int } == [6, 8, 5, 7])
        #expect(offers[2]["accept_due"] is NSNull)
        let escalations = try #require(status["escalations"] as? [[String: Any]])
        #expect(escalations.map { $0["id"] as? Int } == [1, 4, 3, 2])
        #expect(escalations.map { $0["acknowledged"] as? Bool } == [false, false, false, true])
        let suppliers = try #require(status["suppliers"] as? [[String: Any]])
        #expect(suppliers.map { $0["code"] as? String } == ["acme", "beta", "delta", "gamma"])
        #expect(suppliers[2]["capacity"] as? Int == 4)
        #expect(suppliers[2]["load"] as? Int == 2)
        #expect(suppliers[0]["capacity"] is NSNull)
        // A shorter list keeps the counts.
        let short = try object(try ok(["status", "--json", "--limit", "1", "--horizon", "0s"], fixture.world.database))
        #expect((short["clocks_at_risk"] as? [Any])?.count == 1)
        #expect(short["overdue"] as? Int == 4)
        #expect(short["due_soon"] as? Int == 0)
        #expect((short["escalations"] as? [Any])?.count == 1)
    }

    @Test func statusRefusesBadOptions() throws {
        let database = try TestDatabase(now: "2026-06-01T12:00:00Z")
        try refused(["status", "--limit", "0"], database, status: 2, "--limit must be from 1 to 1000")
        try refused(["status", "--limit", "1001"], database, status: 2, "--limit must be from 1 to 1000")
        try refused(["status", "--horizon", "soon"], database, status: 2, "")
        try refused(["status", "--horizon", "-1h"], database, status: 2, "")
    }

    // MARK: - siamd report scorecard

    static let june1 = ["--since", "2026-06-01", "--until", "2026-06-02"]

    @Test func scorecardAsATable() throws {
        let fixture = try ReportCLIFixture()
        #expect(try ok(["report", "scorecard"] + Self.june1, fixture.world.database) == """
            Supplier scorecards, 2026-06-01T00:00:00Z to 2026-06-02T00:00:00Z

            SUPPLIER  STATUS  OFFERED  ACCEPTED  REJECTED  EXPIRED  ACCEPT RATE  MEDIAN ACCEPT  OLA MET      SLA BREACHES  BOUNCES  DISPUTES  UPHELD  OVERTURNED  ESCALATIONS  COMPLAINTS  SATISFACTION
            acme      active  1        1         0         0        100 %        10m            100 % (2/2)  0             0        0         0       0           0            0           -
            beta      active  1        0         1         0        0 %          -              -            0             1        1         0       0           0            0           -
            evil      active  0        0         0         0        -            -              -            0             0        0         0       0           0            0           -
            gamma     active  0        0         0         0        -            -              -            0             0        0         0       0           0            0           -
            smith     active  1        1         0         0        100 %        5m             50 % (1/2)   2             0        0         0       0           0            0           4.0/5 (1)

            """)
        // --format table is the default.
        #expect(try ok(["report", "scorecard", "--format", "table"] + Self.june1, fixture.world.database)
            == (try ok(["report", "scorecard"] + Self.june1, fixture.world.database)))
    }

    @Test func scorecardAsJSON() throws {
        let fixture = try ReportCLIFixture()
        let text = try ok(["report", "scorecard", "--format", "json"] + Self.june1, fixture.world.database)
        // --json means the same.
        #expect(try ok(["report", "scorecard", "--json"] + Self.june1, fixture.world.database) == text)
        let report = try object(text)
        #expect(report["since"] as? String == "2026-06-01T00:00:00Z")
        #expect(report["until"] as? String == "2026-06-02T00:00:00Z")
        #expect(report["generated_at"] as? String == "2026-06-08T12:00:00Z")
        let suppliers = try #require(report["suppliers"] as? [[String: Any]])
        #expect(suppliers.map { $0["supplier"] as? String } == ["acme", "beta", "evil", "gamma", "smith"])
        // The schema's column names, in its order, plus ola_met_pct.
        #expect(text.contains("{\"supplier\":\"acme\",\"name\":\"Acme Ltd\",\"status\":\"active\",\"offered\":1,\"accepted\":1,"
                              + "\"rejected\":0,\"expired\":0,\"cancelled\":0,\"acceptance_rate\":1.0,\"median_seconds_to_accept\":600.0,"
                              + "\"ola_clocks\":2,\"ola_met\":2,\"ola_met_pct\":100.0,\"sla_breaches\":0,\"bounces\":0,"
                              + "\"disputes_raised\":0,\"disputes_upheld\":0,\"disputes_overturned\":0,\"escalations\":0,\"complaints\":0,\"satisfaction\":null,\"feedback_count\":0}"))
        let beta = suppliers[1], evil = suppliers[2], smith = suppliers[4]
        #expect(beta["acceptance_rate"] as? Double == 0)
        #expect(beta["median_seconds_to_accept"] is NSNull)
        #expect(beta["disputes_raised"] as? Int == 1)
        #expect(beta["disputes_upheld"] as? Int == 0)
        #expect(beta["disputes_overturned"] as? Int == 0)
        #expect(evil["name"] as? String == "=1+2")
        #expect(evil["acceptance_rate"] is NSNull)
        #expect(evil["ola_met_pct"] is NSNull)
        #expect(smith["name"] as? String == "Smith, \"Jr\" & Co")
        #expect(smith["sla_breaches"] as? Int == 2)
        #expect(smith["ola_met_pct"] as? Double == 50)
        #expect(smith["satisfaction"] as? Double == 4)
        #expect(smith["feedback_count"] as? Int == 1)
    }

    @Test func scorecardAsCSV() throws {
        let fixture = try ReportCLIFixture()
        let csv = try ok(["report", "scorecard", "--format", "csv"] + Self.june1, fixture.world.database)
        // RFC 4180: CRLF line ends; quotes doubled inside quoted cells; empty cells for nothing
        // to count; a cell a spreadsheet would run as a formula is quoted and prefixed with '.
        #expect(csv == """
            supplier,name,status,offered,accepted,rejected,expired,cancelled,acceptance_rate,median_seconds_to_accept,\
            ola_clocks,ola_met,ola_met_pct,sla_breaches,bounces,disputes_raised,disputes_upheld,disputes_overturned,escalations,complaints,satisfaction,feedback_count\r
            acme,Acme Ltd,active,1,1,0,0,0,1.0,600.0,2,2,100.0,0,0,0,0,0,0,0,,0\r
            beta,Beta GmbH,active,1,0,1,0,0,0.0,,0,0,,0,1,1,0,0,0,0,,0\r
            evil,"'=1+2",active,0,0,0,0,0,,,0,0,,0,0,0,0,0,0,0,,0\r
            gamma,Gamma,active,0,0,0,0,0,,,0,0,,0,0,0,0,0,0,0,,0\r
            smith,"Smith, ""Jr"" & Co",active,1,1,0,0,0,1.0,300.0,2,1,50.0,2,0,0,0,0,0,0,4.0,1\r

            """)
        // Every row has as many cells as the header (counting outside quotes).
        func cells(_ line: Substring) -> Int {
            var count = 1, quoted = false
            for character in line {
                if character == "\"" { quoted.toggle() } else if character == "," && !quoted { count += 1 }
            }
            return count
        }
        let lines = csv.split(separator: "\r\n")
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { cells($0) == 22 })
    }

    @Test func scorecardPeriodForms() throws {
        let fixture = try ReportCLIFixture()
        let database = fixture.world.database
        func period(_ arguments: [String]) throws -> (since: String?, until: String?, suppliers: [[String: Any]]) {
            let report = try object(try ok(["report", "scorecard", "--json"] + arguments, database))
            return (report["since"] as? String, report["until"] as? String, report["suppliers"] as? [[String: Any]] ?? [])
        }
        // A duration before now (2026-06-08T12:00:00Z); without --until the period runs to
        // the end of the current second. Only smith's resolve breach (12:00) is in it.
        let week = try period(["--since", "7d"])
        #expect(week.since == "2026-06-01T12:00:00Z")
        #expect(week.until == "2026-06-08T12:00:01Z")
        #expect(week.suppliers.map { $0["offered"] as? Int } == [0, 0, 0, 0, 0])
        #expect(week.suppliers.map { $0["sla_breaches"] as? Int } == [0, 0, 0, 0, 1])
        // An instant with an offset.
        let instant = try period(["--since", "2026-06-01T10:00:00+02:00", "--until", "2026-06-01T10:10:00Z"])
        #expect(instant.since == "2026-06-01T08:00:00Z")
        #expect(instant.until == "2026-06-01T10:10:00Z")
        #expect(instant.suppliers.map { $0["offered"] as? Int } == [1, 1, 0, 0, 1])
        // The default: the last 30 days.
        let month = try period([])
        #expect(month.since == "2026-05-09T12:00:00Z")
        #expect(month.until == "2026-06-08T12:00:01Z")
    }

    @Test func scorecardSinceADate() throws {
        let database = try TestDatabase(now: "2026-11-20T12:00:00Z")
        let report = try object(try ok(["report", "scorecard", "--since", "2026-11-01", "--format", "json"], database))
        #expect(report["since"] as? String == "2026-11-01T00:00:00Z")
        #expect(report["until"] as? String == "2026-11-20T12:00:01Z")
        #expect((report["suppliers"] as? [Any])?.isEmpty == true)
        #expect(try ok(["report", "scorecard", "--since", "2026-11-01"], database)
            == "Supplier scorecards, 2026-11-01T00:00:00Z to 2026-11-20T12:00:01Z\nno suppliers\n")
        #expect(try ok(["report", "scorecard", "--since", "2026-11-01", "--format", "csv"], database)
            == "supplier,name,status,offered,accepted,rejected,expired,cancelled,acceptance_rate,median_seconds_to_accept,"
            + "ola_clocks,ola_met,ola_met_pct,sla_breaches,bounces,disputes_raised,disputes_upheld,disputes_overturned,escalations,complaints,satisfaction,feedback_count\r\n")
    }

    @Test func scorecardRefusesBadPeriodsAndFormats() throws {
        let fixture = try ReportCLIFixture()
        let database = fixture.world.database
        try refused(["report", "scorecard", "--since", "xyz"], database, status: 2, "")
        try refused(["report", "scorecard", "--until", "tomorrow"], database, status: 2, "")
        // After now: nothing can be in it.
        try refused(["report", "scorecard", "--since", "2026-11-01"], database, status: 2,
                    "the period is empty: --since 2026-11-01T00:00:00Z is not before --until 2026-06-08T12:00:01Z")
        try refused(["report", "scorecard", "--since", "2026-06-02", "--until", "2026-06-01"], database, status: 2,
                    "the period is empty")
        try refused(["report", "scorecard", "--since", "2026-06-01", "--until", "2026-06-01"], database, status: 2,
                    "the period is empty")
        try refused(["report", "scorecard", "--format", "xml"] + Self.june1, database, status: 2, "")
        let xml = try CLI.run(["report", "scorecard", "--format", "xml"], database: database.conninfo)
        #expect(xml.stderr.contains("xml"))
    }

    // MARK: - siamd report html

    @Test func htmlReportIsOneSelfContainedFile() throws {
        let fixture = try ReportCLIFixture()
        let file = temporaryFile("report.html")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ok(["report", "html", "-o", file.path] + Self.june1, fixture.world.database)
            == "wrote \(file.path): 5 suppliers, 2026-06-01T00:00:00Z to 2026-06-02T00:00:00Z\n")
        let page = try String(contentsOf: file, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        for name in ["Acme Ltd", "Beta GmbH", "Gamma", "=1+2", "Smith, &quot;Jr&quot; &amp; Co"] {
            #expect(page.contains(name), "\(name)")
        }
        #expect(!page.contains("Smith, \"Jr\""), "names are escaped")
        // Nothing is fetched from elsewhere: no links, sources, imports or URLs, and the only
        // http:// is the SVG namespace name (an identifier, never loaded).
        for reference in ["<link", "src=", "href=\"http", "href='http", "url(", "@import", "//cdn", "<iframe", "<object", "<embed"] {
            #expect(!page.lowercased().contains(reference), "\(reference)")
        }
        let withoutNamespace = page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").lowercased()
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        #expect(page.contains("Content-Security-Policy"))

        // --json reports what it wrote.
        let again = try object(try ok(["report", "html", "-o", file.path, "--json"] + Self.june1, fixture.world.database))
        #expect(again["file"] as? String == file.path)
        #expect(again["suppliers"] as? Int == 5)
        #expect(again["bucket_seconds"] as? Int == 3600)
    }

    @Test func htmlReportRefusesWhatItCannotWrite() throws {
        let fixture = try ReportCLIFixture()
        let database = fixture.world.database
        let missing = "/nonexistent-siamd-\(UUID().uuidString)/report.html"
        try refused(["report", "html", "-o", missing] + Self.june1, database, status: 1, "cannot write \(missing): ")
        let result = try CLI.run(["report", "html", "-o", missing] + Self.june1, database: database.conninfo)
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        #expect(!FileManager.default.fileExists(atPath: missing))
        // A directory is not a file either.
        let directory = temporaryFile("directory")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try refused(["report", "html", "-o", directory.path] + Self.june1, database, status: 1, "cannot write \(directory.path): ")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        // Too many buckets, no file name, an empty period: usage errors.
        let file = temporaryFile("never.html")
        try refused(["report", "html", "-o", file.path, "--bucket", "1m"] + Self.june1, database, status: 2,
                    "--bucket 1m makes more than 1000 buckets")
        try refused(["report", "html", "-o", ""] + Self.june1, database, status: 2, "--output needs a file name")
        // 1000.5 buckets: the CLI's check divides in whole numbers and lets it through to the
        // database, which refuses it (exit 1) instead of the usage error.
        try refused(["report", "html", "-o", file.path, "--bucket", "1m", "--since", "2026-06-01T00:00:00Z",
                     "--until", "2026-06-01T16:40:30Z"], database, status: 2, "--bucket 1m makes more than 1000 buckets")
        try refused(["report", "html", "-o", file.path, "--since", "2026-06-02", "--until", "2026-06-01"], database,
                    status: 2, "the period is empty")
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
