import SiamStore

extension TestDatabase {
    /// Waits (bounded) until the event feed shows every event written so far. The feed shows
    /// an event once every older transaction in the cluster has ended, and tests in other
    /// databases of the same cluster hold transactions open now and then (a lock held on
    /// purpose, a migration): a test that reads the feed right after writing waits for them.
    func waitForFeed(timeout: Duration = .seconds(30)) throws {
        let connection = try connect()
        try connection.listen("siam_event")
        let deadline = ContinuousClock.now.advanced(by: timeout)
        repeat {
            let row = try connection.query("""
                SELECT (SELECT count(*) FROM siam.event) AS written,
                       (SELECT count(*) FROM siam.events_after(NULL, 10000)) AS fed
                """).first!
            if try row.int("fed") >= min(10000, try row.int("written")) { return }
            _ = try connection.waitForNotifications(timeout: .milliseconds(50))
        } while ContinuousClock.now < deadline
    }
}
