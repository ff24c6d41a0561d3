/// Joins a negative number or duration to the option before it (`--limit -5` becomes
/// `--limit=-5`), so that the value reaches the option's own check and its refusal gives the
/// real reason. ArgumentParser reads a word starting with `-` as another option and says only
/// "Missing value". A lone `-` and words such as `-h` are left alone.
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var joined: [String] = []
    for argument in arguments {
        if let previous = joined.last, previous.hasPrefix("--"), !previous.contains("="), previous != "--",
           argument.count > 1, argument.hasPrefix("-"), argument.dropFirst().first?.isNumber == true {
            joined[joined.count - 1] = previous + "=" + argument
        } else {
            joined.append(argument)
        }
    }
    return joined
}
