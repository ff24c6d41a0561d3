/// Colours for the charts: Okabe and Ito's palette, which people with any common colour
/// vision deficiency can tell apart, and which survives greyscale printing better than most.
/// Supplier series also differ by marker shape, so colour is never the only cue.
enum Palette {
    /// Series colours, dark enough for lines and text on white (yellow is left out).
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// Acceptance rate bars.
    static let acceptance = "#0072B2"
    /// OLA met bars.
    static let ola = "#E69F00"

    /// Priorities, most urgent first; anything beyond four is grey.
    static let priorities = ["#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#0072B2"]
    static let otherPriority = "#999999"

    /// The colour of the `index`th supplier series.
    static func series(_ index: Int) -> String {
        series[index % series.count]
    }

    /// The marker shape of the `index`th supplier series.
    static func marker(_ index: Int) -> MarkerShape {
        MarkerShape.allCases[index % MarkerShape.allCases.count]
    }

    /// A dash pattern once colours and shapes have all been used, so that series stay distinct.
    static func dash(_ index: Int) -> String? {
        index < series.count ? nil : ["6 4", "2 3", "8 3 2 3"][(index / series.count - 1) % 3]
    }

    /// The heatmap's colour for `value` of `maximum`: ColorBrewer's sequential Oranges, which
    /// reads as "more" in every colour vision and in greyscale.
    static func heat(_ value: Int, of maximum: Int) -> (fill: String, onDark: Bool) {
        let steps = ["#FDD0A2", "#FDAE6B", "#FD8D3C", "#F16913", "#D94801", "#A63603", "#7F2704"]
        guard maximum > 0, value > 0 else { return ("#FFF5EB", false) }
        let position = Double(value) / Double(maximum)
        let index = min(steps.count - 1, Int((position * Double(steps.count - 1)).rounded()))
        return (steps[index], index >= 4)
    }

    /// Whether text on the priority colour must be white to be read.
    static func isDark(_ fill: String) -> Bool {
        fill == "#D55E00" || fill == "#0072B2"
    }
}

/// The shapes that mark one supplier's points.
enum MarkerShape: CaseIterable {
    case circle, square, triangle, diamond, triangleDown

    /// An SVG path for the shape centred on (x, y), about `r` in radius.
    func path(x: Double, y: Double, r: Double) -> String {
        let f = ReportFormat.svg
        switch self {
        case .circle:
            return "M\(f(x - r)) \(f(y))a\(f(r)) \(f(r)) 0 1 0 \(f(2 * r)) 0a\(f(r)) \(f(r)) 0 1 0 \(f(-2 * r)) 0Z"
        case .square:
            let s = r * 0.9
            return "M\(f(x - s)) \(f(y - s))H\(f(x + s))V\(f(y + s))H\(f(x - s))Z"
        case .triangle:
            let s = r * 1.2
            return "M\(f(x)) \(f(y - s))L\(f(x + s)) \(f(y + s * 0.8))H\(f(x - s))Z"
        case .diamond:
            let s = r * 1.25
            return "M\(f(x)) \(f(y - s))L\(f(x + s)) \(f(y))L\(f(x)) \(f(y + s))L\(f(x - s)) \(f(y))Z"
        case .triangleDown:
            let s = r * 1.2
            return "M\(f(x)) \(f(y + s))L\(f(x + s)) \(f(y - s * 0.8))H\(f(x - s))Z"
        }
    }
}
