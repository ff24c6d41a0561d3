import SiamCore

/// What an operator on shift looks at (`siamd status`): open work, what is late or about to
/// be, pending offers, open escalations, supplier load, and whether the daemons are alive.
/// Pure data, read in one snapshot.
public struct OperationalStatus: Sendable, Equatable {
    /// The database clock when it was read.
    public var now: Instant
    /// "About to be late": due within this many seconds.
    public var horizonSeconds: Int64
    /// Open incidents (new, assigned, in_progress, pending) by state and priority.
    public var openIncidents: [StateCount]
    /// Running clocks past due, and due within the horizon (all of them, not just those listed).
    public var overdueCount: Int
    public var dueSoonCount: Int
    /// The earliest of those, most overdue first.
    public var clocksAtRisk: [ClockAtRisk]
    /// Offers waiting for an answer, and the earliest deadlines among them.
    public var pendingHandoffCount: Int
    public var pendingHandoffs: [PendingHandoff]
    /// Open escalations, how many are not acknowledged, and the latest ones.
    public var openEscalationCount: Int
    public var unacknowledgedEscalationCount: Int
    public var openEscalations: [OpenEscalation]
    /// Scope disputes waiting for the integrator's ruling, and the oldest of them.
    public var openDisputeCount: Int
    public var oldestOpenDispute: OpenDispute?
    /// Each supplier that is not retired, with its load against its capacity.
    public var suppliers: [SupplierLoadStatus]
    /// Daemons seen within the last day, alive ones first (at most the status's limit).
    public var daemons: [DaemonStatus]
    /// The oldest open transaction in the cluster, when it has held back the event feed for
    /// `FeedHold.alarmSeconds` or more; nil otherwise.
    public var feedHold: FeedHold?

    public init(now: Instant, horizonSeconds: Int64, openIncidents: [StateCount], overdueCount: Int, dueSoonCount: Int,
                clocksAtRisk: [ClockAtRisk], pendingHandoffCount: Int, pendingHandoffs: [PendingHandoff],
                openEscalationCount: Int, unacknowledgedEscalationCount: Int, openEscalations: [OpenEscalation],
                suppliers: [SupplierLoadStatus], daemons: [DaemonStatus], feedHold: FeedHold? = nil,
                openDisputeCount: Int = 0, oldestOpenDispute: OpenDispute? = nil) {
        self.now = now
        self.horizonSeconds = horizonSeconds
        self.openIncidents = openIncidents
        self.overdueCount = overdueCount
        self.dueSoonCount = dueSoonCount
        self.clocksAtRisk = clocksAtRisk
        self.pendingHandoffCount = pendingHandoffCount
        self.pendingHandoffs = pendingHandoffs
        self.openEscalationCount = openEscalationCount
        self.unacknowledgedEscalationCount = unacknowledgedEscalationCount
        self.openEscalations = openEscalations
        self.suppliers = suppliers
        self.daemons = daemons
        self.feedHold = feedHold
        self.openDisputeCount = openDisputeCount
        self.oldestOpenDispute = oldestOpenDispute
    }

    /// True when at least one daemon is alive.
    public var daemonAlive: Bool { daemons.contains(where: \.alive) }
}

/// Open incidents of one state and priority.
public struct StateCount: Sendable, Equatable {
    public var state: String
    public var priority: String
    public var count: Int

    public init(state: String, priority: String, count: Int) {
        self.state = state
        self.priority = priority
        self.count = count
    }
}

/// A running SLA or OLA clock that is past due or due soon.
public struct ClockAtRisk: Sendable, Equatable {
    public var incident: Int64
    public var title: String
    public var service: String
    public var priority: String
    /// The owner (SLA clocks) or the supplier whose OLA it is; nil while unowned.
    public var supplier: String?
    /// `sla acknowledge`, `sla resolve` or `ola resolve`.
    public var clock: String
    public var due: Instant

    public init(incident: Int64, title: String, service: String, priority: String, supplier: String?, clock: String, due: Instant) {
        self.incident = incident
        self.title = title
        self.service = service
        self.priority = priority
        self.supplier = supplier
        self.clock = clock
        self.due = due
    }
}

/// An offer waiting for its supplier's answer.
public struct PendingHandoff: Sendable, Equatable {
    public var id: Int64
    public var incident: Int64
    public var toSupplier: String
    public var offeredAt: Instant
    /// nil: no OLA sets a deadline (it never expires).
    public var acceptDue: Instant?

    public init(id: Int64, incident: Int64, toSupplier: String, offeredAt: Instant, acceptDue: Instant?) {
        self.id = id
        self.incident = incident
        self.toSupplier = toSupplier
        self.offeredAt = offeredAt
        self.acceptDue = acceptDue
    }
}

/// An open escalation, in short.
public struct OpenEscalation: Sendable, Equatable {
    public var id: Int64
    public var rule: String
    public var level: Int
    public var incident: Int64?
    public var supplier: String?
    public var notify: String
    public var raisedAt: Instant
    public var acknowledged: Bool
    public var reason: String

    public init(id: Int64, rule: String, level: Int, incident: Int64?, supplier: String?, notify: String,
                raisedAt: Instant, acknowledged: Bool, reason: String) {
        self.id = id
        self.rule = rule
        self.level = level
        self.incident = incident
        self.supplier = supplier
        self.notify = notify
        self.raisedAt = raisedAt
        self.acknowledged = acknowledged
        self.reason = reason
    }
}

/// A scope dispute waiting for a ruling, in short.
public struct OpenDispute: Sendable, Equatable {
    public var id: Int64
    public var incident: Int64
    public var supplier: String
    public var raisedAt: Instant

    public init(id: Int64, incident: Int64, supplier: String, raisedAt: Instant) {
        self.id = id
        self.incident = incident
        self.supplier = supplier
        self.raisedAt = raisedAt
    }
}

/// A supplier's open load against its capacity.
public struct SupplierLoadStatus: Sendable, Equatable {
    public var supplier: String
    public var status: String
    /// Open incidents it owns.
    public var load: Int
    /// nil: unlimited.
    public var capacity: Int?
    /// Offers waiting for its answer.
    public var offers: Int

    public init(supplier: String, status: String, load: Int, capacity: Int?, offers: Int) {
        self.supplier = supplier
        self.status = status
        self.load = load
        self.capacity = capacity
        self.offers = offers
    }
}

/// One `siamd run` process, as it last reported.
public struct DaemonStatus: Sendable, Equatable {
    public var host: String
    public var pid: Int
    public var version: String
    public var startedAt: Instant
    public var lastPassAt: Instant?
    public var lastPassSeconds: Double?
    public var passes: Int
    public var actions: Int
    /// Not stopped, and seen within twice its poll interval plus 10 s: a lease, so a daemon
    /// killed outright still counts as alive until its lease runs out.
    public var alive: Bool
    public var stoppedAt: Instant?

    public init(host: String, pid: Int, version: String, startedAt: Instant, lastPassAt: Instant?, lastPassSeconds: Double?,
                passes: Int, actions: Int, alive: Bool, stoppedAt: Instant?) {
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt
        self.lastPassAt = lastPassAt
        self.lastPassSeconds = lastPassSeconds
        self.passes = passes
        self.actions = actions
        self.alive = alive
        self.stoppedAt = stoppedAt
    }
}

/// A transaction that holds back the event feed: integrations see no event newer than its
/// start until it ends (siam.feed_holdback).
public struct FeedHold: Sendable, Equatable {
    /// From this age on `siamd status` reports it (deploy/roles.sql ends a supplier's session
    /// idle in a transaction after 60 s).
    public static let alarmSeconds: Double = 30

    public var seconds: Double
    public var pid: Int
    public var role: String?
    public var state: String?
    public var application: String?

    public init(seconds: Double, pid: Int, role: String?, state: String?, application: String?) {
        self.seconds = seconds
        self.pid = pid
        self.role = role
        self.state = state
        self.application = application
    }
}
