extension Row {
    /// Decodes a text column into one of the core's enums.
    func enumValue<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        let text = try string(column)
        guard let value = T(rawValue: text) else {
            throw RowDecodingError(description: "column '\(column)' holds unknown value '\(text)'")
        }
        return value
    }
}
