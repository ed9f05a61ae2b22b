import HostNet
import TestSupport

extension TestNamespace {
    /// A bridge with `address` (without STP or forward delay, so its ports forward at once) and a
    /// new tap in it, both up: the host side of one test guest NIC.
    func bridgedTap(_ tapName: String, bridge: String, address: String) throws -> TapDevice {
        try exec(["ip", "link", "add", bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0"])
        try exec(["ip", "addr", "add", address, "dev", bridge])
        try exec(["ip", "link", "set", bridge, "up"])
        let tap = try TapDevice.create(tapName, namespace: path)
        try exec(["ip", "link", "set", tapName, "master", bridge, "up"])
        return tap
    }
}
