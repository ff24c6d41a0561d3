import Foundation

extension JSONValue {
    /// The value of JSON text (an event's `data`, as the database gives it); nil when the text
    /// is not JSON.
    init?(parsing text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return nil
        }
        self.init(foundation: object)
    }

    private init(foundation value: Any) {
        switch value {
        case is NSNull: self = .null
        case let string as String: self = .string(string)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber too: their C type ("c") tells them
            // apart, and fractions are "d".
            switch String(cString: number.objCType) {
            case "c": self = .bool(number.boolValue)
            case "d", "f": self = .number(number.doubleValue)
            default: self = .int(number.int64Value)
            }
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]:
            self = .object(object.keys.sorted().map { ($0, JSONValue(foundation: object[$0]!)) })
        default: self = .string(String(describing: value))
        }
    }

    /// The field of an object by name.
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }
}
