/// The UNIX-socket character device a vhost-user netdev talks through.
public struct SocketChardev: Hashable, Sendable {
    /// `char` + the NIC's alias.
    public let id: String
    /// The socket path.
    public let path: String
    /// Whether QEMU listens.
    public let server: Bool
    /// Seconds between reconnection attempts of a client, if it reconnects.
    public let reconnect: UInt32?

    /// The `-chardev` value: libvirt writes it in key=value syntax whatever the capabilities.
    public var commandLine: String {
        var text = "socket,id=\(id),path=\(QEMUProperties.escapeComma(path))"
        if server { text += ",server=on" }
        if let reconnect { text += ",reconnect=\(reconnect)" }
        return text
    }

    /// `chardev-add` arguments for hot-plug; a listening socket must not wait for its peer there.
    public var qmpArguments: QEMUProperties {
        var path = QEMUProperties()
        path.add("path", string: self.path)
        var address = QEMUProperties()
        address.add("type", string: "unix")
        address.add("data", .object(path))
        var data = QEMUProperties()
        data.add("addr", .object(address))
        data.add("server", bool: server)
        if server { data.add("wait", bool: false) }
        data.add("reconnect", number: reconnect.map { UInt64($0) })
        var backend = QEMUProperties()
        backend.add("type", string: "socket")
        backend.add("data", .object(data))
        var arguments = QEMUProperties()
        arguments.add("id", string: id)
        arguments.add("backend", .object(backend))
        return arguments
    }
}
