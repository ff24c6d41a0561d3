extension WeeklyHours {
    /// Reads an hours spec (the CLI's `--hours`), e.g. `mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00`.
    ///
    /// Grammar: groups separated by `;`; each group is `DAYS INTERVALS`. `DAYS` is a
    /// comma-separated list of days (`mon`…`sun`, any case) and ranges (`mon-fri`); a range must
    /// run forwards within one week: `fri-mon` is rejected (write `fri-sun,mon`), because a
    /// reversed range is far more often a typo than a weekend shift. `INTERVALS` is a list of
    /// `HH:MM-HH:MM` (or `HH:MM:SS`) separated by commas and/or spaces; `24:00` is allowed as
    /// an end. A day may appear in several groups; its intervals are combined, then validated
    /// as in ``init(_:)``. Empty groups (e.g. a trailing `;`) are ignored.
    ///
    /// - Throws: ``CalendarError`` as `invalid hours 'SPEC': reason`.
    public init(parsing spec: String) throws {
        do {
            var intervals: [WeeklyInterval] = []
            for group in spec.split(separator: ";") {
                let tokens = group.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let daysToken = tokens.first else { continue }
                let days = try parseDays(daysToken)
                let times = tokens.dropFirst().flatMap { $0.split(separator: ",") }
                guard !times.isEmpty else {
                    throw CalendarError(
                        "group '\(group.trimmingSpaces)' needs days and intervals, e.g. 'mon-fri 08:00-17:00'")
                }
                for time in times {
                    let ends = time.split(separator: "-", omittingEmptySubsequences: false)
                    guard ends.count == 2 else {
                        throw CalendarError("bad interval '\(time)': expected HH:MM-HH:MM, e.g. 08:00-17:00")
                    }
                    let opens = try parseTimeOfDay(String(ends[0]), isEnd: false)
                    let closes = try parseTimeOfDay(String(ends[1]), isEnd: true)
                    for day in days {
                        intervals.append(WeeklyInterval(isoWeekday: day, opens: opens, closes: closes))
                    }
                }
            }
            try self.init(intervals)
        } catch let error as CalendarError {
            throw error.prefixed("invalid hours '\(spec)'")
        }
    }
}

/// `mon-wed,fri` → [1, 2, 3, 5].
private func parseDays(_ token: Substring) throws -> [Int] {
    func day(_ name: Substring) throws -> Int {
        guard let index = weekdayNames.firstIndex(of: name.lowercased()) else {
            throw CalendarError("unknown day '\(name)'; expected mon, tue, wed, thu, fri, sat or sun")
        }
        return index + 1
    }
    var days: [Int] = []
    for item in token.split(separator: ",", omittingEmptySubsequences: false) {
        let ends = item.split(separator: "-", omittingEmptySubsequences: false)
        switch ends.count {
        case 1:
            days.append(try day(ends[0]))
        case 2:
            let first = try day(ends[0])
            let last = try day(ends[1])
            guard first <= last else {
                let head = first == 7 ? "sun" : "\(weekdayName(first))-sun"
                let tail = last == 1 ? "mon" : "mon-\(weekdayName(last))"
                throw CalendarError(
                    "day range '\(item)' runs backwards; write '\(head),\(tail)' for days across the weekend")
            }
            days.append(contentsOf: first...last)
        default:
            throw CalendarError("bad day range '\(item)'; expected e.g. mon-fri")
        }
    }
    return days
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
