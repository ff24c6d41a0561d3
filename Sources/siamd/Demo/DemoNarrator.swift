import Foundation
import SiamCore

/// Tells what happens in the demo, one line per event of the feed that matters to a
/// newcomer: `00:23  EXPIRE    #5 slowtide did not accept in time`. Counts what it told,
/// for the closing summary.
struct DemoNarrator {
    /// One told line; `elapsed`: seconds since the demo started, by the database clock.
    struct Line: Equatable {
        let tag: String
        let incident: Int64?
        let text: String
        var elapsed: Int64 = 0
    }

    /// When the demo started (the database clock): lines tell times relative to it.
    let start: Instant
    private(set) var counts: [String: Int] = [:]

    init(start: Instant) {
        self.start = start
    }

    /// The line for an event, or nil for events not worth telling (set-up, bookkeeping).
    mutating func line(for event: Event) -> Line? {
        let data = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
        let who = event.supplier ?? "?"
        var line: Line?
        switch event.kind {
        case "incident.opened":
            let title = data["title"] as? String ?? ""
            let vip = (data["user_tier"] as? String) == "vip" ? " (VIP user)" : ""
            line = Line(tag: "OPEN", incident: event.incident,
                        text: "\(data["priority"] as? String ?? "") \(data["service"] as? String ?? ""): \(title)\(vip)")
        case "handoff.offered":
            let reassignment = event.reason.hasPrefix("after ") || event.reason.hasPrefix("the owner ")
            let byHand = event.actor != "siamd"
            line = Line(tag: byHand ? "DESK" : reassignment ? "REASSIGN" : "OFFER", incident: event.incident,
                        text: "offered to \(who): \(event.reason)")
        case "handoff.accepted":
            line = Line(tag: "ACCEPT", incident: event.incident, text: "\(who) accepted")
        case "handoff.rejected":
            let scope = (data["out_of_scope"] as? Bool) == true ? "out of scope: " : ""
            line = Line(tag: "REJECT", incident: event.incident, text: "\(who) rejected it, \(scope)\"\(event.reason)\"")
        case "handoff.expired":
            line = Line(tag: "EXPIRE", incident: event.incident, text: "\(who) did not accept in time: offer expired")
        case "handoff.cancelled":
            line = Line(tag: "CANCEL", incident: event.incident, text: "offer to \(who) withdrawn: \(event.reason)")
        case "escalation.raised":
            let rule = data["rule"] as? String ?? "?"
            let level = data["level"] as? Int ?? 0
            let notify = data["notify"] as? String ?? "?"
            let tag = rule == "bounce" ? "BOUNCE" : rule == "scope-dispute" ? "DISPUTE" : "ESCALATE"
            line = Line(tag: tag, incident: event.incident,
                        text: "\(rule) level \(level) to the \(notify) (escalation \(event.escalation ?? 0)): \(event.reason)")
        case "escalation.level_raised":
            let rule = data["rule"] as? String ?? "?"
            let from = data["from_level"] as? Int ?? 0
            let level = data["level"] as? Int ?? 0
            line = Line(tag: "CLIMB", incident: event.incident,
                        text: "escalation \(event.escalation ?? 0) (\(rule)) climbs from level \(from) to \(level): \(event.reason)")
        case "escalation.acknowledged":
            line = Line(tag: "ACK", incident: event.incident,
                        text: "escalation \(event.escalation ?? 0) \(event.reason): its repeats stop until it climbs")
        case "escalation.repeated":
            line = Line(tag: "REPEAT", incident: event.incident, text: "escalation \(event.escalation ?? 0) again: \(event.reason)")
        case "escalation.closed":
            // The causes a newcomer would not guess; the rest follow lines told already.
            let cause = data["cause"] as? String ?? "?"
            guard ["ruled", "work started", "handed on"].contains(cause) else { break }
            line = Line(tag: "CLOSE", incident: event.incident,
                        text: "escalation \(event.escalation ?? 0) (\(data["rule"] as? String ?? "?")) closed: \(cause)")
        case "incident.handed_back":
            line = Line(tag: "HANDBACK", incident: event.incident, text: "\(who) handed it back: \"\(event.reason)\"")
        case "dispute.ruled":
            let upheld = (data["upheld"] as? Bool) == true
            line = Line(tag: "RULING", incident: event.incident,
                        text: "dispute \(data["dispute"] as? Int ?? 0) of \(who) ruled \(upheld ? "out of scope (a fair refusal: not charged)" : "in scope"): \(event.reason)")
        case "incident.routing_stopped":
            line = Line(tag: "STOP", incident: event.incident, text: event.reason)
        case "incident.state_changed":
            line = stateLine(event, to: data["to"] as? String ?? "", from: data["from"] as? String ?? "",
                             olaMoved: data["ola_resolve_due"] != nil)
        case "complaint.recorded":
            line = Line(tag: "COMPLAIN", incident: event.incident, text: "\(event.reason) about \(who)")
        case "feedback.recorded":
            line = Line(tag: "RATE", incident: event.incident, text: event.reason)
        default:
            line = nil
        }
        guard let told = line else { return nil }
        counts[told.tag, default: 0] += 1
        return Line(tag: told.tag, incident: told.incident, text: relativeTimes(told.text),
                    elapsed: event.at.seconds - start.seconds)
    }

    /// The text with each UTC instant in it (`2026-11-22T13:08:23Z`) told as the demo's clock
    /// (`00:23`), so a line does not mix two ways of telling time.
    func relativeTimes(_ text: String) -> String {
        var out = text
        while let range = out.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, options: .regularExpression),
              let instant = try? Instant(parsing: String(out[range])) {
            out.replaceSubrange(range, with: Self.clock(instant.seconds - start.seconds))
        }
        return out
    }

    /// `mm:ss` (negative: before the start).
    static func clock(_ seconds: Int64) -> String {
        let sign = seconds < 0 ? "-" : ""
        let magnitude = abs(seconds)
        return sign + String(format: "%02lld:%02lld", magnitude / 60, magnitude % 60)
    }

    private func stateLine(_ event: Event, to state: String, from: String, olaMoved: Bool) -> Line? {
        let who = event.supplier.map { $0 + " " } ?? ""
        switch state {
        case "in_progress" where from == "pending":
            return Line(tag: "RESUME", incident: event.incident,
                        text: "\(who)back at work: the clocks run again\(olaMoved ? ", its OLA due moved later by the customer's wait" : "")")
        case "in_progress": return Line(tag: "WORK", incident: event.incident, text: "\(who)started work")
        case "pending":
            return Line(tag: "PENDING", incident: event.incident, text: "\(who)waits on the customer: SLA and OLA clocks paused")
        case "resolved": return Line(tag: "RESOLVE", incident: event.incident, text: "\(who)resolved it")
        default: return nil
        }
    }

    /// `00:23  EXPIRE    #5  slowtide did not accept in time`.
    static func format(_ line: Line, colour: Bool) -> String {
        let clock = clock(line.elapsed)
        let tag = line.tag.padding(toLength: 9, withPad: " ", startingAt: 0)
        let incident = (line.incident.map { "#\($0)" } ?? "").padding(toLength: 5, withPad: " ", startingAt: 0)
        guard colour, let code = colours[line.tag] else { return "\(clock)  \(tag) \(incident) \(line.text)" }
        return "\(clock)  \u{1B}[\(code)m\(tag)\u{1B}[0m \(incident) \(line.text)"
    }

    /// ANSI colours of the tags that matter most.
    static let colours: [String: String] = [
        "EXPIRE": "33", "REASSIGN": "36", "REJECT": "35", "ESCALATE": "31", "BOUNCE": "1;31", "STOP": "1;31",
        "ACCEPT": "32", "RESOLVE": "32", "DESK": "36", "COMPLAIN": "35", "CLIMB": "31", "DISPUTE": "1;35",
        "RULING": "36", "HANDBACK": "35", "ACK": "32", "PENDING": "34", "RESUME": "34",
    ]
}
