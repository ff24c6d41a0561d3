/// Round tick values for a count axis from 0 to at least `maximum`: steps of 1, 2 or 5
/// times a power of ten, about `target` of them.
func countTicks(upTo maximum: Int, target: Int = 5) -> [Int] {
    guard maximum > 0 else { return [0, 1] }
    let rough = max(1, Double(maximum) / Double(max(target, 1)))
    var magnitude = 1
    while Double(magnitude * 10) <= rough { magnitude *= 10 }
    let step = [1, 2, 5, 10].map { $0 * magnitude }.first { Double($0) >= rough } ?? magnitude * 10
    let top = (maximum + step - 1) / step * step
    return Array(stride(from: 0, through: top, by: step))
}
