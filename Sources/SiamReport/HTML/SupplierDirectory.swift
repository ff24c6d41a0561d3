/// The suppliers a report mentions, in the order the page lists them, each with its name and
/// its series index, so that a supplier keeps one colour and marker shape in every chart.
struct SupplierDirectory {
    /// Scorecard suppliers in report order, then codes that only the compliance buckets or the
    /// breaches mention (a supplier retired since, say), in code order.
    private(set) var codes: [String] = []
    private var names: [String: String] = [:]
    private var positions: [String: Int] = [:]

    init(_ report: ScorecardReport) {
        for score in report.suppliers where positions[score.supplier] == nil {
            add(score.supplier, name: score.name)
        }
        let others = Set(report.compliance.map(\.supplier) + report.breaches.compactMap(\.supplier))
        for code in others.sorted() where positions[code] == nil {
            add(code, name: nil)
        }
    }

    private mutating func add(_ code: String, name: String?) {
        positions[code] = codes.count
        codes.append(code)
        if let name, !name.isEmpty { names[code] = name }
    }

    /// The supplier's place in the page's order (and so its colour and marker).
    func index(of code: String) -> Int {
        positions[code] ?? codes.count
    }

    /// Its name, or its code when the report has no name for it.
    func name(of code: String) -> String {
        names[code] ?? code
    }
}
