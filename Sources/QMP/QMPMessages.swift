import NetCore

/// An asynchronous QMP event (SHUTDOWN, STOP, RESUME, NIC_RX_FILTER_CHANGED, DEVICE_DELETED, ...).
public struct QMPEvent: Sendable, Equatable {
    /// The event name, e.g. `SHUTDOWN`.
    public let name: String
    /// The `data` member (an empty object when the event has none).
    public let data: JSONValue
    /// QEMU's wall-clock timestamp in microseconds since the epoch (0 when absent).
    public let timestampMicroseconds: Int64

    public init(name: String, data: JSONValue = .object([:]), timestampMicroseconds: Int64 = 0) {
        self.name = name
        self.data = data
        self.timestampMicroseconds = timestampMicroseconds
    }
}

/// QEMU's refusal of a command: its error class (`GenericError`, `DeviceNotFound`, ...) and text.
public struct QMPError: Error, Sendable, Equatable {
    /// The `class` member.
    public let errorClass: String
    /// The `desc` member.
    public let description: String

    public init(errorClass: String, description: String) {
        self.errorClass = errorClass
        self.description = description
    }

    /// The error as libvirt reports a failed monitor command:
    /// `internal error: unable to execute QEMU command 'set_link': Device 'x' not found`.
    public func patchbayError(command: String) -> PatchbayError {
        PatchbayError(.internalError, "unable to execute QEMU command '\(command)': \(description)", domain: .qemu)
    }
}

/// What QEMU said about itself on connecting.
public struct QMPGreeting: Sendable, Equatable {
    /// QEMU's version (major, minor, micro).
    public let major: Int, minor: Int, micro: Int
    /// The `package` string (Debian's build, e.g. `Debian 1:7.2+dfsg-7+deb12u18`).
    public let package: String
    /// Capabilities offered (e.g. `oob`); Patchbay enables none.
    public let capabilities: [String]

    init(_ value: JSONValue) throws(PatchbayError) {
        guard let qmp = value["QMP"], let version = qmp["version"], let qemu = version["qemu"],
              let major = qemu["major"]?.integerValue, let minor = qemu["minor"]?.integerValue,
              let micro = qemu["micro"]?.integerValue else {
            throw PatchbayError(.internalError, "QEMU monitor sent no QMP greeting: \(value)", domain: .qemu)
        }
        self.major = Int(major)
        self.minor = Int(minor)
        self.micro = Int(micro)
        self.package = version["package"]?.stringValue ?? ""
        self.capabilities = qmp["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// One line QEMU sent, classified.
enum QMPIncoming {
    case greeting(QMPGreeting)
    case reply(id: Int64?, Result<JSONValue, QMPError>)
    case event(QMPEvent)

    init(_ value: JSONValue) throws(PatchbayError) {
        if value["QMP"] != nil {
            self = .greeting(try QMPGreeting(value))
        } else if let name = value["event"]?.stringValue {
            let stamp = value["timestamp"]
            let micros = (stamp?["seconds"]?.integerValue ?? 0) * 1_000_000 + (stamp?["microseconds"]?.integerValue ?? 0)
            self = .event(QMPEvent(name: name, data: value["data"] ?? .object([:]), timestampMicroseconds: micros))
        } else if let result = value["return"] {
            self = .reply(id: value["id"]?.integerValue, .success(result))
        } else if let error = value["error"] {
            self = .reply(id: value["id"]?.integerValue,
                          .failure(QMPError(errorClass: error["class"]?.stringValue ?? "GenericError",
                                            description: error["desc"]?.stringValue ?? "\(error)")))
        } else {
            throw PatchbayError(.internalError, "unexpected QMP message: \(value)", domain: .qemu)
        }
    }
}
