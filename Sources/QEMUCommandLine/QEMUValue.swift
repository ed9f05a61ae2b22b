/// One value of a QEMU property: what QEMU's QAPI takes as a string, number, boolean or object.
public indirect enum QEMUValue: Hashable, Sendable {
    /// A string.
    case string(String)
    /// An unsigned number.
    case number(UInt64)
    /// A boolean (`on`/`off` in key=value syntax).
    case bool(Bool)
    /// A nested object (`a.b=` in key=value syntax).
    case object(QEMUProperties)
}

/// An ordered set of QEMU properties, as libvirt builds them for `-device`, `-netdev` and QMP.
///
/// Order matters: libvirt prints properties in the order it adds them, and the expected command lines
/// are compared textually.
public struct QEMUProperties: Hashable, Sendable {
    /// One property.
    public struct Entry: Hashable, Sendable {
        /// Property name.
        public let key: String
        /// Property value.
        public let value: QEMUValue
    }

    /// The properties in order.
    public private(set) var entries: [Entry] = []

    /// No properties.
    public init() {}

    /// Appends `key` when `value` is not nil (libvirt's optional properties are simply left out).
    public mutating func add(_ key: String, _ value: QEMUValue?) {
        guard let value else { return }
        entries.append(Entry(key: key, value: value))
    }

    /// Appends a string property when present.
    public mutating func add(_ key: String, string value: String?) { add(key, value.map(QEMUValue.string)) }
    /// Appends a number property when present.
    public mutating func add(_ key: String, number value: UInt64?) { add(key, value.map(QEMUValue.number)) }
    /// Appends a boolean property when present.
    public mutating func add(_ key: String, bool value: Bool?) { add(key, value.map(QEMUValue.bool)) }

    /// The value of `key`, if set.
    public subscript(key: String) -> QEMUValue? { entries.first { $0.key == key }?.value }

    /// Compact JSON, keys in order, as libvirt prints `-device '{...}'` and QMP arguments.
    public var json: String {
        "{" + entries.map { "\(Self.jsonString($0.key)):\(Self.json($0.value))" }.joined(separator: ",") + "}"
    }

    /// key=value syntax: the first property's value stands alone when it is `leading` (the device
    /// driver or the netdev type), booleans are on/off, nested objects are dotted, commas in values doubled.
    public func keyValue(leading: String?) -> String {
        var parts: [String] = []
        var rest = entries[...]
        if let leading, let first = rest.first, first.key == leading, case .string(let name) = first.value {
            parts.append(Self.escapeComma(name))
            rest = rest.dropFirst()
        }
        for entry in rest { parts.append(contentsOf: Self.flatten(prefix: entry.key, entry.value)) }
        return parts.joined(separator: ",")
    }

    private static func flatten(prefix: String, _ value: QEMUValue) -> [String] {
        switch value {
        case .string(let text): ["\(prefix)=\(escapeComma(text))"]
        case .number(let number): ["\(prefix)=\(number)"]
        case .bool(let flag): ["\(prefix)=\(flag ? "on" : "off")"]
        case .object(let object): object.entries.flatMap { flatten(prefix: "\(prefix).\($0.key)", $0.value) }
        }
    }

    /// A value in key=value syntax: each comma doubled.
    static func escapeComma(_ text: String) -> String { text.split(separator: ",", omittingEmptySubsequences: false).joined(separator: ",,") }

    private static func json(_ value: QEMUValue) -> String {
        switch value {
        case .string(let text): jsonString(text)
        case .number(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .object(let object): object.json
        }
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
