extension BusinessDuration {
    /// Reads a duration such as `90s`, `15m`, `4h`, `3d`, `3h30m`, `1d2h3m4s` or `0s`.
    ///
    /// Each term is a decimal number followed by one unit: `d` (24 h of business time), `h`,
    /// `m` or `s`. Units appear in decreasing order and each at most once. Numbers are not
    /// bounded per unit (`90s` and `36h` are fine) but the total must fit in 64 bits.
    /// There is no sign, no fraction, no space and no bare number.
    ///
    /// - Throws: ``TimeParseError`` naming the text: for empty text, negatives, unknown or
    ///   repeated or out-of-order units, a missing number or unit, and overflow.
    public init(parsing text: String) throws {
        func fail(_ reason: String) -> TimeParseError {
            TimeParseError("invalid duration '\(text)': \(reason)")
        }
        let example = "expected a number followed by d, h, m or s, e.g. 3h30m"
        guard !text.isEmpty else { throw fail("empty; \(example)") }
        if text.hasPrefix("-") { throw fail("durations cannot be negative") }

        var total: Int64 = 0
        var number: Int64? = nil
        var lastUnitRank = -1  // index into `units` of the previous unit
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x30, scalar.value <= 0x39 {
                let digit = Int64(scalar.value - 0x30)
                let (times10, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw fail("too large") }
                number = next
                continue
            }
            let unit = Character(scalar)
            guard let rank = BusinessDuration.units.firstIndex(where: { $0.0 == unit }) else {
                throw fail("unknown unit '\(unit)'; \(example)")
            }
            guard let count = number else { throw fail("missing number before '\(unit)'; \(example)") }
            guard rank > lastUnitRank else {
                throw fail("units must appear once each, in the order d, h, m, s")
            }
            let (part, o1) = count.multipliedReportingOverflow(by: Int64(BusinessDuration.units[rank].1))
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { throw fail("too large") }
            total = sum
            lastUnitRank = rank
            number = nil
        }
        if number != nil { throw fail("missing unit after the last number; \(example)") }
        self.init(seconds: total)
    }
}
