import SiamCore

/// How many decisions of each kind (``Decision/kind``) changed something.
public struct ActionCounts: Sendable, Equatable {
    public private(set) var byKind: [String: Int] = [:]

    public init() {}

    /// The counts of these decisions, by kind.
    public init(_ decisions: [Decision]) {
        for decision in decisions { self[decision.kind] += 1 }
    }

    public subscript(kind: String) -> Int {
        get { byKind[kind, default: 0] }
        set { byKind[kind] = newValue == 0 ? nil : newValue }
    }

    /// All kinds together.
    public var total: Int { byKind.values.reduce(0, +) }

    public static func += (lhs: inout ActionCounts, rhs: ActionCounts) {
        for (kind, count) in rhs.byKind { lhs[kind] += count }
    }
}
