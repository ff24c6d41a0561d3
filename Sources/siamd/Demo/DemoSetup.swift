import Foundation
import SiamCore
import SiamStore

/// Creates the demo's world through the same write path as the CLI (every change with its
/// event), on an empty schema.
struct DemoSetup {
    let store: Store
    let pace: DemoPace

    /// The calendar each supplier with a zone gets: a 12-hour working day in its own zone,
    /// placed around the demo's time of day so that its OLA clocks run while you watch.
    static func calendarName(_ supplier: DemoSupplier) -> String? {
        supplier.zone.map { _ in supplier.code + "-hours" }
    }

    func create(at now: Date) throws {
        for supplier in DemoCast.suppliers {
            guard let zone = supplier.zone, let name = Self.calendarName(supplier) else { continue }
            let calendar = try BusinessCalendar(zone: zone, hours: Self.workingDay(around: now, zone: zone), holidays: [])
            try store.addCalendar(name: name, calendar: calendar)
        }
        for service in DemoCast.services {
            try store.addService(code: service.code, name: service.name)
        }
        try store.addCustomer(code: DemoCast.customer.code, name: DemoCast.customer.name)
        for supplier in DemoCast.suppliers {
            try store.addSupplier(code: supplier.code, name: supplier.name, capacity: supplier.capacity,
                                  calendar: Self.calendarName(supplier))
            try store.setSupplierStatus(code: supplier.code, status: "active", reason: "demo: contract signed")
            for serves in supplier.serves {
                try store.serve(supplier: supplier.code, service: serves.service, rank: serves.rank)
            }
        }
        for sla in DemoCast.sla {
            try store.setTarget(TargetChange(
                kind: .sla, priority: sla.priority, service: nil, supplier: nil, calendar: nil, accept: nil,
                acknowledge: pace.duration(sla.acknowledge), resolve: pace.duration(sla.resolve)))
        }
        for timing in DemoCast.ruleTimings {
            try store.setRuleTiming(rule: timing.rule, repeatEvery: timing.repeatEvery.map(pace.duration),
                                    window: timing.window.map(pace.duration))
        }
        for setting in DemoCast.ruleThresholds {
            try store.setRuleThresholds(rule: setting.rule, thresholds: setting.thresholds)
        }
        for ola in DemoCast.ola {
            // No calendar: each supplier's own.
            try store.setTarget(TargetChange(
                kind: .ola, priority: ola.priority, service: nil, supplier: nil, calendar: nil,
                accept: pace.duration(ola.accept), acknowledge: nil, resolve: pace.duration(ola.resolve)))
        }
    }

    /// Every day, from an hour before the local hour of `now` in `zone` for 12 hours (split in
    /// two intervals when it crosses midnight), e.g. `mon-sun 08:00-20:00`.
    static func workingDay(around now: Date, zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
        let hour = calendar.component(.hour, from: now)
        let opens = (hour + 23) % 24
        let closes = opens + 12
        func hh(_ value: Int) -> String { String(format: "%02d:00", value) }
        if closes <= 24 { return "mon-sun \(hh(opens))-\(hh(closes))" }
        return "mon-sun 00:00-\(hh(closes - 24)),\(hh(opens))-24:00"
    }
}

/// The demo's pace: every target, delay and interval is multiplied by `factor` (0.5 runs
/// twice as fast as the default).
struct DemoPace {
    let factor: Double

    /// Whole seconds, at least one: SLA clocks count whole seconds.
    func duration(_ seconds: Int64) -> BusinessDuration {
        BusinessDuration(seconds: max(1, Int64((Double(seconds) * factor).rounded())))
    }

    /// A wall-clock delay.
    func delay(_ seconds: Double) -> Duration {
        .milliseconds(Int64(seconds * factor * 1000))
    }
}
