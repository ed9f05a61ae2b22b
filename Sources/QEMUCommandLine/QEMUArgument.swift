/// One command-line option and its value, e.g. `-netdev` `user,id=hostnet0`.
public struct QEMUArgument: Hashable, Sendable, CustomStringConvertible {
    /// The option, with its dash.
    public let option: String
    /// Its value, unquoted.
    public let value: String

    public init(_ option: String, _ value: String) {
        self.option = option
        self.value = value
    }

    /// As libvirt's tests print it: JSON values single-quoted.
    public var description: String { value.hasPrefix("{") ? "\(option) '\(value)'" : "\(option) \(value)" }
}

/// A QMP command and its arguments object, for hot-plug.
public struct QMPCommand: Hashable, Sendable {
    /// `netdev_add`, `device_add`, `chardev-add`, `add-fd`.
    public let execute: String
    public let arguments: QEMUProperties

    /// The command as one QMP JSON message.
    public var json: String { "{\"execute\":\(QEMUProperties.jsonString(execute)),\"arguments\":\(arguments.json)}" }
}
