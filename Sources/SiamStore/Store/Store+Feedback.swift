import SiamCore

extension Store {
    /// Records a complaint about an incident from the `user` or the `customer`; returns its id.
    @discardableResult
    public func recordComplaint(incident: Int64, source: String, body: String) throws -> Int64 {
        Int64(try call("SELECT siam.complaint_record($1::bigint, $2, $3) AS id", [incident, source, body]).int("id"))
    }

    /// Records the customer's satisfaction with an incident, 1 to 5; returns its id.
    @discardableResult
    public func recordFeedback(incident: Int64, score: Int, comment: String?) throws -> Int64 {
        Int64(try call("SELECT siam.feedback_record($1::bigint, $2::integer, $3) AS id", [incident, score, comment]).int("id"))
    }
}
