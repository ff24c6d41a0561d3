import SiamCore

/// The settings changed from `siamd supplier set | unserve`, `calendar set | holiday`,
/// `rule add | enable | disable`: each one call of its SQL function, which validates it and
/// writes its event in the same transaction.
extension Store {
    /// `siam.supplier_set`: nil keeps a value; `unlimited` drops the capacity, `noCalendar`
    /// the calendar (24x7).
    public func changeSupplier(code: String, name: String?, capacity: Int?, unlimited: Bool,
                               calendar: String?, noCalendar: Bool) throws {
        _ = try call("SELECT siam.supplier_set($1, $2, $3::integer, $4, $5::boolean, $6::boolean) AS code",
                     [code, name, capacity, calendar, unlimited, noCalendar])
    }

    /// `siam.supplier_unserve`: the supplier no longer serves the service.
    public func unserve(supplier: String, service: String) throws {
        _ = try call("SELECT siam.supplier_unserve($1, $2) AS service", [supplier, service])
    }

    /// `siam.calendar_set`: a new time zone and/or weekly hours (nil keeps them).
    public func changeCalendar(name: String, zone: String?, hours: WeeklyHours?) throws {
        let intervals = hours?.intervals
        _ = try call(
            "SELECT siam.calendar_set($1, $2, $3::smallint[], $4::time[], $5::time[]) AS name",
            [name, zone,
             intervals.map { $0.map { String($0.isoWeekday) } },
             intervals.map { $0.map { Self.timeText($0.opens) } },
             intervals.map { $0.map { Self.timeText($0.closes) } }])
    }

    /// `siam.calendar_holiday_add` / `siam.calendar_holiday_remove`.
    public func changeHoliday(calendar: String, holiday: String, add: Bool) throws {
        _ = try call(add ? "SELECT siam.calendar_holiday_add($1, $2) AS day" : "SELECT siam.calendar_holiday_remove($1, $2) AS day",
                     [calendar, holiday])
    }

    /// `siam.escalation_rule_add`.
    public func addRule(_ rule: EscalationRule) throws {
        _ = try call("""
            SELECT siam.escalation_rule_add($1, $2, $3::numeric[], $4, $5::interval, $6::interval, $7, $8, $9, $10) AS code
            """, [rule.code, rule.measure.rawValue, Self.numericArray(rule.thresholds), rule.notify,
                  rule.repeatEvery.map { BusinessDuration(seconds: $0) }, rule.window.map { BusinessDuration(seconds: $0) },
                  rule.priority?.rawValue, rule.service, rule.supplier, rule.userTier])
    }

    /// `{50,75.5}`: whole numbers without a fraction, as people wrote them.
    static func numericArray(_ values: [Double]) -> String {
        "{" + values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0) }.joined(separator: ",") + "}"
    }

    /// `siam.escalation_rule_set_enabled`.
    public func enableRule(_ code: String, _ enabled: Bool) throws {
        _ = try call("SELECT siam.escalation_rule_set_enabled($1, $2::boolean) AS code", [code, enabled])
    }
}
