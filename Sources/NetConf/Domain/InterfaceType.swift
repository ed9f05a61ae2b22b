/// libvirt 9.0's `<interface type='...'>` values.
public enum InterfaceType: String, Sendable, CaseIterable {
    /// User-mode networking (SLIRP or passt).
    case user
    /// A tap device Patchbay or the user created.
    case ethernet
    /// A vhost-user socket to a user-space switch.
    case vhostuser
    /// QEMU listening on a TCP socket.
    case server
    /// QEMU connecting to a TCP socket.
    case client
    /// UDP multicast.
    case mcast
    /// A port on a libvirt virtual network.
    case network
    /// A tap on a host bridge.
    case bridge
    /// VirtualBox internal network.
    case `internal`
    /// macvtap on a host device.
    case direct
    /// A host PCI/USB NIC (SR-IOV VF) assigned to the guest.
    case hostdev
    /// Unicast UDP tunnel.
    case udp
    /// A vDPA device.
    case vdpa
    /// A backend that drops everything (bhyve/VMware).
    case null
    /// VMware distributed switch.
    case vds

    /// Whether the type has a socket-style `<source address port>` (server, client, mcast, udp).
    public var isSocket: Bool { [.server, .client, .mcast, .udp].contains(self) }
}
