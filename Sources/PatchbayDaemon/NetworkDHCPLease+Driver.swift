import NetDriver
import RemoteProtocol

extension NetworkDHCPLease {
    /// libvirt's VIR_IP_ADDR_TYPE_IPV4.
    static let typeIPv4: Int32 = 0
    /// libvirt's VIR_IP_ADDR_TYPE_IPV6.
    static let typeIPv6: Int32 = 1

    /// The driver's lease as `remote_network_dhcp_lease` carries it.
    init(_ lease: DHCPLease) {
        self.init(interface: lease.interface, expiryTime: lease.expiryTime,
                  type: lease.family == .ipv6 ? Self.typeIPv6 : Self.typeIPv4, mac: lease.mac, iaid: lease.iaid,
                  ipAddress: lease.address, prefix: lease.prefix, hostname: lease.hostname, clientID: lease.clientID)
    }
}
