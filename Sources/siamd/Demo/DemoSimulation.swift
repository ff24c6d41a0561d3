import Foundation
import SiamCore
import SiamStore

/// Plays the people and systems around siamd in the demo: the suppliers' integrations
/// (answering offers, handing work back, working incidents, each as it behaves in
/// ``DemoCast``) and the integrator's service desk (opening incidents, acknowledging SLA
/// escalations, ruling on scope disputes, stepping in after a ping-pong, passing on
/// complaints, recording satisfaction, closing). Everything goes through the same SQL
/// functions a real integration calls; what the world refuses (an offer that expired
/// meanwhile) is simply left, as a real integration would.
struct DemoSimulation {
    let connection: PostgresConnection
    let pace: DemoPace
    var random: SplitMix64
    let stream: DemoIncidentStream
    private var scheduled: [(at: ContinuousClock.Instant, step: Step)] = []
    private var seenOffers: Set<Int64> = []
    private var complained: Set<Int64> = []
    private var deskOffered: Set<Int64> = []
    /// Escalations (id and level) the desk has planned to acknowledge; disputes it will rule.
    private var acknowledging: Set<String> = []
    private var ruling: Set<Int64> = []
    /// Suppliers that waited on the customer once: the first incident of one that does so at
    /// all waits, so that a paused OLA shows early in every run.
    private var waited: Set<String> = []
    /// Suppliers that handed work back once (see `waited`).
    private var handedBack: Set<String> = []
    private var nextArrival: ContinuousClock.Instant
    private var opened = 0

    /// Something one of the parties does at a planned instant.
    enum Step {
        case accept(handoff: Int64, incident: Int64, supplier: String, automatic: Bool)
        case handBack(incident: Int64, supplier: String, reason: String)
        case acknowledge(escalation: Int64, level: Int)
        case rule(dispute: Int64, ruling: DisputeRuling, note: String)
        case reject(handoff: Int64, supplier: String, reason: String)
        case startWork(incident: Int64, supplier: String)
        case waitOnCustomer(incident: Int64, supplier: String)
        case resume(incident: Int64, supplier: String)
        case resolve(incident: Int64, supplier: String)
        case feedback(incident: Int64)
    }

    init(connection: PostgresConnection, pace: DemoPace, seed: UInt64, arrivalEvery: Double, start: ContinuousClock.Instant) {
        self.connection = connection
        self.pace = pace
        self.random = SplitMix64(seed: seed)
        self.stream = DemoIncidentStream(meanInterval: arrivalEvery)
        self.nextArrival = start
    }

    /// When something is next planned (an arrival or a party's step).
    var nextWake: ContinuousClock.Instant {
        scheduled.map(\.at).min().map { min($0, nextArrival) } ?? nextArrival
    }

    /// Does what is due: opens arriving incidents (unless `feeding` stopped), lets suppliers
    /// see new offers, carries out due steps, and lets the service desk look around.
    mutating func tick(now: ContinuousClock.Instant, feeding: Bool) throws {
        if feeding, now >= nextArrival {
            try openNext()
            nextArrival = now + pace.delay(stream.nextInterval(&random))
        }
        try noticeOffers(now: now)
        let due = scheduled.filter { $0.at <= now }
        scheduled.removeAll { $0.at <= now }
        for entry in due.sorted(by: { $0.at < $1.at }) {
            try perform(entry.step, now: now)
        }
        try serviceDesk(now: now)
    }

    func store(_ actor: String) -> Store {
        Store(connection: connection, actor: actor)
    }

    mutating func schedule(_ step: Step, after seconds: ClosedRange<Int>, from now: ContinuousClock.Instant) {
        let delay = Double(random.int(seconds)) + Double(random.int(0...999)) / 1000
        scheduled.append((now + pace.delay(delay), step))
    }

    mutating func openNext() throws {
        let incident = opened < DemoCast.opening.count ? DemoCast.opening[opened] : stream.next(&random)
        opened += 1
        _ = try store("service-desk").openIncident(NewIncident(
            service: incident.service, priority: incident.priority, title: incident.title,
            customer: DemoCast.customer.code, userTier: incident.vip ? "vip" : nil, offerTo: nil, hold: false))
    }

    /// Each supplier's integration picks up the offers made to it and plans its answer.
    mutating func noticeOffers(now: ContinuousClock.Instant) throws {
        for offer in try store("demo").handoffs(HandoffFilter(state: .offered, limit: 10_000))
        where !seenOffers.contains(offer.id) {
            seenOffers.insert(offer.id)
            guard let supplier = DemoCast.suppliers.first(where: { $0.code == offer.toSupplier }) else { continue }
            let service = try store("demo").incident(id: offer.incident)?.service ?? ""
            if let reason = supplier.behaviour.outOfScope[service] {
                schedule(.reject(handoff: offer.id, supplier: supplier.code, reason: reason), after: 2...4, from: now)
            } else {
                schedule(.accept(handoff: offer.id, incident: offer.incident, supplier: supplier.code,
                                 automatic: offer.automatic),
                         after: supplier.behaviour.accept, from: now)
            }
        }
    }

    mutating func perform(_ step: Step, now: ContinuousClock.Instant) throws {
        do {
            switch step {
            case .accept(let handoff, let incident, let supplier, let automatic):
                try store(supplier + "-sync").accept(handoff: handoff, reason: nil)
                let behaviour = behaviour(supplier)
                let service = try store("demo").incident(id: incident)?.service ?? ""
                // Work the desk chose for it by hand it keeps; routed work it may give back.
                // The first such incident is always handed back, so that every run shows one.
                if automatic, let reason = behaviour.handsBack[service],
                   handedBack.insert(supplier).inserted || random.chance(behaviour.handBackShare) {
                    schedule(.handBack(incident: incident, supplier: supplier, reason: reason), after: 2...4, from: now)
                } else {
                    schedule(.startWork(incident: incident, supplier: supplier), after: behaviour.startWork, from: now)
                }
            case .handBack(let incident, let supplier, let reason):
                try store(supplier + "-sync").handBack(incident: incident, reason: reason)
            case .acknowledge(let escalation, let level):
                // Only the level the duty manager saw: a climb since asks for its own.
                let desk = store("duty-manager")
                guard let current = try desk.escalation(id: escalation), current.isOpen, current.level == level else { return }
                try desk.acknowledge(escalation: escalation, by: "duty manager")
            case .rule(let dispute, let ruling, let note):
                try store("service-desk").rule(dispute: dispute, ruling: ruling, note: note, sendBack: false)
            case .reject(let handoff, let supplier, let reason):
                try store(supplier + "-sync").reject(handoff: handoff, reason: reason, outOfScope: true)
            case .startWork(let incident, let supplier):
                try store(supplier + "-sync").setIncidentState(id: incident, state: "in_progress", reason: "engineer assigned")
                let behaviour = behaviour(supplier)
                if behaviour.pendingShare > 0, !waited.contains(supplier) || random.chance(behaviour.pendingShare) {
                    waited.insert(supplier)
                    schedule(.waitOnCustomer(incident: incident, supplier: supplier), after: 3...6, from: now)
                } else {
                    schedule(.resolve(incident: incident, supplier: supplier), after: behaviour.work, from: now)
                }
            case .waitOnCustomer(let incident, let supplier):
                try store(supplier + "-sync").setIncidentState(id: incident, state: "pending", reason: "waiting for the user to test the fix")
                schedule(.resume(incident: incident, supplier: supplier), after: behaviour(supplier).pending, from: now)
            case .resume(let incident, let supplier):
                try store(supplier + "-sync").setIncidentState(id: incident, state: "in_progress", reason: "the user replied")
                schedule(.resolve(incident: incident, supplier: supplier), after: behaviour(supplier).work, from: now)
            case .resolve(let incident, let supplier):
                try store(supplier + "-sync").setIncidentState(id: incident, state: "resolved", reason: "fixed and confirmed")
                schedule(.feedback(incident: incident), after: 2...4, from: now)
            case .feedback(let incident):
                try recordSatisfaction(incident)
            }
        } catch let error as DatabaseError where error.kind != .connectionLost && error.kind != .connectionFailed {
            // Refused: the world moved on (the offer expired, the incident changed hands). A
            // real integration would log and carry on; so does the demo.
        }
    }

    func behaviour(_ supplier: String) -> DemoBehaviour {
        DemoCast.suppliers.first { $0.code == supplier }!.behaviour
    }

    /// The customer rates the resolution: by whether the SLA was met, how often the
    /// incident bounced, and whether they complained. Then the service desk closes it.
    func recordSatisfaction(_ id: Int64) throws {
        guard let incident = try store("demo").incident(id: id), incident.state == .resolved else { return }
        var met = true
        if let due = incident.resolveDue, let resolved = incident.resolvedAt { met = resolved <= due }
        let score = met ? (incident.handoffCount <= 1 ? 5 : 4) : (complained.contains(id) ? 1 : 2)
        let desk = store("service-desk")
        try desk.recordFeedback(incident: id, score: score, comment: met ? "thanks" : "took too long")
        try desk.setIncidentState(id: id, state: "closed", reason: "confirmed by the customer")
    }

    /// The service desk: acknowledges SLA escalations a few seconds after each level is
    /// raised, rules on scope disputes, passes on complaints about late incidents, and offers
    /// by hand an incident whose automatic routing stopped (ping-pong) once its last offer ended.
    mutating func serviceDesk(now: ContinuousClock.Instant) throws {
        let desk = store("service-desk")
        let clock = try desk.now()
        for escalation in try desk.escalations(openOnly: true)
        where escalation.rule.hasPrefix("sla-") && escalation.acknowledgedAt == nil
            && acknowledging.insert("\(escalation.id)/\(escalation.level)").inserted {
            schedule(.acknowledge(escalation: escalation.id, level: escalation.level), after: 3...6, from: now)
        }
        for dispute in try desk.disputes(openOnly: true) where ruling.insert(dispute.id).inserted {
            guard let decision = DemoCast.scopeRulings[dispute.supplier] else { continue }
            schedule(.rule(dispute: dispute.id, ruling: decision.ruling, note: decision.note), after: 4...7, from: now)
        }
        for incident in try desk.incidents(IncidentFilter(states: [.new, .assigned, .inProgress], limit: 10_000)) {
            if let due = incident.resolveDue, due < clock, !complained.contains(incident.id) {
                complained.insert(incident.id)
                try ignoringRefusal {
                    try desk.recordComplaint(incident: incident.id, source: incident.userTier == "vip" ? "user" : "customer",
                                             body: "\"\(incident.title)\" is still not fixed, past the agreed time")
                }
            }
            if incident.routingStopped, incident.state == .new, !deskOffered.contains(incident.id) {
                let handoffs = try desk.handoffs(HandoffFilter(incident: incident.id))
                guard !handoffs.contains(where: { $0.state == .offered }) else { continue }
                // The desk's choice: whoever neither refused it nor let it expire, best rank
                // first, and not the one that just handed it back unless nobody else is left
                // (a person may ask it again: a site visit gets booked).
                let tried = Set(handoffs.filter { $0.state == .rejected || $0.state == .expired }.map(\.toSupplier))
                let owners = handoffs.filter { $0.state == .accepted }.map(\.toSupplier)
                let candidates = DemoCast.suppliers
                    .compactMap { supplier in supplier.serves.first { $0.service == incident.service }.map { (supplier.code, $0.rank) } }
                    .filter { !tried.contains($0.0) }
                    .sorted { (owners.contains($0.0) ? 1 : 0, $0.1) < (owners.contains($1.0) ? 1 : 0, $1.1) }
                guard let choice = candidates.first else { continue }
                deskOffered.insert(incident.id)
                try ignoringRefusal {
                    try desk.offer(incident: incident.id, to: choice.0, part: nil,
                                   reason: owners.contains(choice.0)
                                       ? "service desk decides after the ping-pong, and books the site visit it asked for"
                                       : "service desk decides after the ping-pong")
                }
            }
        }
    }

    func ignoringRefusal(_ body: () throws -> Void) throws {
        do { try body() } catch let error as DatabaseError where error.kind != .connectionLost && error.kind != .connectionFailed {}
    }
}

/// The random stream of incidents after the opening ones.
struct DemoIncidentStream {
    /// Mean seconds between arrivals (at pace 1).
    let meanInterval: Double

    /// Exponentially distributed, so arrivals come in bursts and lulls like real ones.
    func nextInterval(_ random: inout SplitMix64) -> Double {
        let uniform = Double(random.int(1...1_000_000)) / 1_000_001
        return min(meanInterval * 4, -log(uniform) * meanInterval)
    }

    func next(_ random: inout SplitMix64) -> DemoIncident {
        let services: [(String, Int)] = [("network", 35), ("workplace", 25), ("sap-hr", 20), ("cloud", 20)]
        let priorities: [(Priority, Int)] = [(.p1, 10), (.p2, 25), (.p3, 40), (.p4, 25)]
        let service = pick(services, &random)
        let titles = DemoCast.titles[service] ?? ["Something is broken"]
        return DemoIncident(service: service, priority: pick(priorities, &random),
                            title: titles[random.int(0...(titles.count - 1))], vip: random.chance(0.15))
    }

    func pick<T>(_ weighted: [(T, Int)], _ random: inout SplitMix64) -> T {
        var roll = random.int(1...weighted.reduce(0) { $0 + $1.1 })
        for (value, weight) in weighted {
            roll -= weight
            if roll <= 0 { return value }
        }
        return weighted.last!.0
    }
}
