import Foundation

extension ZoneRules {
    /// First year whose offset changes are taken from Foundation when no TZif file exists.
    static let foundationFirstYear = 1900

    /// Derives the rules of a zone from Foundation's `TimeZone` (ICU's copy of the tz database),
    /// for systems without `/usr/share/zoneinfo`. Walks every offset change from 1900 through
    /// ``expandedThroughYear`` once (about a millisecond); the offset in force at the start of
    /// 1900 applies before it.
    ///
    /// - Returns: `nil` when Foundation does not know the identifier.
    public static func fromFoundation(identifier: String) -> ZoneRules? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let first = daysFromCivil(year: Int64(foundationFirstYear), month: 1, day: 1) * secondsPerDay
        let last = daysFromCivil(year: Int64(expandedThroughYear) + 1, month: 1, day: 1) * secondsPerDay
        var starts: [Int64] = [.min]
        var cursor = Date(timeIntervalSince1970: TimeInterval(first))
        var offsets: [Int64] = [Int64(zone.secondsFromGMT(for: cursor))]
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < Double(last)
        {
            let seconds = Int64(next.timeIntervalSince1970.rounded(.down))
            starts.append(seconds)
            offsets.append(Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))))
            cursor = next
        }
        return ZoneRules(identifier: identifier, starts: starts, offsets: offsets)
    }
}
