extension GuestNetworkArguments {
    /// The device with this alias (NIC or host device), if any.
    public func device(alias: String) -> Device? {
        (interfaces + hostdevs).first { $0.alias == alias }
    }

    /// The QMP commands that hot-plug the device with `alias`, in order: its chardev or fd set,
    /// `netdev_add`, `device_add`. Descriptors must have been passed first (`getfd`, or SCM_RIGHTS
    /// with `add-fd`) under the names the generator was given. Nil for an unknown alias.
    public func hotplugCommands(alias: String) -> [QMPCommand]? {
        guard let device = device(alias: alias) else { return nil }
        var commands: [QMPCommand] = []
        if let chardev = device.chardev { commands.append(QMPCommand(execute: "chardev-add", arguments: chardev.qmpArguments)) }
        if let addFD = device.addFD {
            var arguments = QEMUProperties()
            arguments.add("fdset-id", number: UInt64(addFD.set))
            arguments.add("opaque", string: addFD.opaque)
            commands.append(QMPCommand(execute: "add-fd", arguments: arguments))
        }
        if let netdev = device.netdev { commands.append(QMPCommand(execute: "netdev_add", arguments: netdev)) }
        commands.append(QMPCommand(execute: "device_add", arguments: device.device))
        return commands
    }
}
