import Foundation

// Loading zone rules from TZif files (RFC 8536), as installed by the tzdata package.
//
// Reading the file happens once, when a calendar is built; the arithmetic itself only uses
// the resulting table.

extension ZoneRules {
    /// Loads the rules of an IANA zone, e.g. `Europe/Berlin`, from its TZif file.
    ///
    /// - Parameters:
    ///   - identifier: The IANA zone id. When its file does not exist (no tzdata installed),
    ///     the rules are derived from Foundation's `TimeZone` instead (see ``fromFoundation(identifier:)``).
    ///   - directory: Where the TZif files are, by default ``defaultDirectory``.
    /// - Throws: ``CalendarError`` `unknown time zone 'X'` when the id is malformed, the file
    ///   does not exist or is not a TZif file.
    public static func load(identifier: String, directory: String = defaultDirectory) throws -> ZoneRules {
        let unknown = CalendarError("unknown time zone '\(identifier)'")
        // Only plausible zone names: no absolute paths, no `..`, nothing that is not in tzdata names.
        let allowed = identifier.utf8.allSatisfy {
            ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39)
                || $0 == 0x2F || $0 == 0x5F || $0 == 0x2D || $0 == 0x2B
        }
        let components = identifier.split(separator: "/", omittingEmptySubsequences: false)
        guard allowed, !identifier.isEmpty, !components.contains(where: { $0.isEmpty || $0.hasPrefix("-") }) else {
            throw unknown
        }
        let path = directory.hasSuffix("/") ? directory + identifier : directory + "/" + identifier
        guard let data = FileManager.default.contents(atPath: path) else {
            // No tzdata installed (or not this zone): fall back to Foundation's own copy.
            if !FileManager.default.fileExists(atPath: path), let rules = fromFoundation(identifier: identifier) {
                return rules
            }
            throw unknown
        }
        do {
            return try ZoneRules(identifier: identifier, tzif: [UInt8](data))
        } catch {
            throw unknown
        }
    }

    /// Parses the contents of a TZif file (versions 1 to 4).
    ///
    /// Uses the 64-bit section when present, then the footer's POSIX TZ string for the years
    /// after the last listed transition. Leap-second records are ignored (the `right/` zones
    /// are not supported: instants here have no leap seconds).
    ///
    /// - Throws: ``CalendarError`` when the data is not a well-formed TZif file.
    public init(identifier: String, tzif bytes: [UInt8]) throws {
        let malformed = CalendarError("malformed TZif data for time zone '\(identifier)'")
        var reader = ByteReader(bytes: bytes)

        func readHeader() throws -> (version: UInt8, counts: [Int]) {
            guard reader.take(4) == Array("TZif".utf8), let version = reader.take(1)?.first,
                reader.take(15) != nil
            else { throw malformed }
            var counts: [Int] = []
            for _ in 0..<6 {
                guard let c = reader.int(width: 4), c >= 0 else { throw malformed }
                counts.append(Int(c))
            }
            return (version, counts)
        }

        var header = try readHeader()
        var timeWidth = 4
        if header.version >= 0x32 {  // '2' and later: skip the 32-bit block, use the 64-bit one
            let c = header.counts  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
            let v1Size = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]
            guard reader.take(v1Size) != nil else { throw malformed }
            header = try readHeader()
            timeWidth = 8
        }
        let c = header.counts
        let (isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt) = (c[0], c[1], c[2], c[3], c[4], c[5])
        guard typecnt >= 1 else { throw malformed }

        var times: [Int64] = []
        for _ in 0..<timecnt {
            guard let t = reader.int(width: timeWidth) else { throw malformed }
            times.append(t)
        }
        var typeIndexes: [Int] = []
        for _ in 0..<timecnt {
            guard let i = reader.take(1)?.first, Int(i) < typecnt else { throw malformed }
            typeIndexes.append(Int(i))
        }
        var typeOffsets: [Int64] = []
        for _ in 0..<typecnt {
            guard let utoff = reader.int(width: 4), reader.take(2) != nil else { throw malformed }
            typeOffsets.append(utoff)
        }
        guard reader.take(charcnt + leapcnt * (timeWidth + 4) + isstdcnt + isutcnt) != nil else {
            throw malformed
        }

        // RFC 8536: local time before the first transition is given by type 0.
        var starts: [Int64] = [.min]
        var offsets: [Int64] = [typeOffsets[0]]
        for (t, i) in zip(times, typeIndexes) {
            starts.append(t)
            offsets.append(typeOffsets[i])
        }

        // The footer (version 2+): "\n" TZ-string "\n" gives the rule after the last transition.
        if timeWidth == 8, reader.take(1) == [0x0A] {
            let rest = reader.remaining
            if let end = rest.firstIndex(of: 0x0A), end > 0 {
                let tz = String(decoding: rest[..<end], as: UTF8.self)
                guard let rule = POSIXTimeZoneRule(tz) else { throw malformed }
                let after = times.last ?? .min
                for (t, o) in rule.transitions(after: after, throughYear: ZoneRules.expandedThroughYear) {
                    starts.append(t)
                    offsets.append(o)
                }
            }
        }
        self.init(identifier: identifier, starts: starts, offsets: offsets)
    }
}

/// Sequential big-endian reading of a byte array.
private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    /// The next `count` bytes, or `nil` when fewer remain.
    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, position + count <= bytes.count else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// A signed big-endian integer of `width` (4 or 8) bytes.
    mutating func int(width: Int) -> Int64? {
        guard let raw = take(width) else { return nil }
        let unsigned = raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return width == 4 ? Int64(Int32(bitPattern: UInt32(unsigned))) : Int64(bitPattern: unsigned)
    }

    /// The bytes not read yet.
    var remaining: ArraySlice<UInt8> { bytes[position...] }
}
