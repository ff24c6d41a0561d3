/// An incident's priority, P1 (highest) to P4.
public enum Priority: String, CaseIterable, Sendable, Codable {
    case p1 = "P1"
    case p2 = "P2"
    case p3 = "P3"
    case p4 = "P4"

    /// Parses `P1`…`P4` (case-insensitive).
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }
}
