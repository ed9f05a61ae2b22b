import NetCore

/// The rule libvirt applies to `virNetworkPortCreateXML` about the `<plug>` of a new port.
///
/// A fresh port must not be plugged yet: the network chooses the plug. Only when a guest driver
/// re-registers a port that already exists on the host (after a daemon restart) does it pass the
/// RECLAIM flag and describe the existing plug, which the network then takes over.
public enum NetworkPortReclaim {
    /// libvirt's `VIR_NETWORK_PORT_CREATE_RECLAIM`: take over an existing port's resources.
    public static let flag: UInt32 = 1 << 0
    /// libvirt's `VIR_NETWORK_PORT_CREATE_VALIDATE`: check the document against the schema first.
    public static let validateFlag: UInt32 = 1 << 1

    /// Checks a port about to be created against the RECLAIM flag.
    ///
    /// - Throws: `invalid argument: Port reclaim not requested but plug type is not none` for a plugged
    ///   port without the flag, and `invalid argument: Port reclaim requested but plug type is none`
    ///   for a reclaim of a port that names no plug (there is nothing to take over).
    public static func check(_ port: NetworkPortDefinition, reclaim: Bool) throws(PatchbayError) {
        if reclaim {
            guard port.plug != .none else {
                throw .invalidArgument("Port reclaim requested but plug type is none")
            }
        } else {
            guard port.plug == .none else {
                throw .invalidArgument("Port reclaim not requested but plug type is not none")
            }
        }
    }

    /// Same check taking the `flags` word of `virNetworkPortCreateXML`, refusing bits libvirt 9.0
    /// does not define (as its driver does, before looking at the port).
    public static func check(_ port: NetworkPortDefinition, flags: UInt32) throws(PatchbayError) {
        let unknown = flags & ~(flag | validateFlag)
        guard unknown == 0 else {
            throw .invalidArgument("unsupported flags (0x\(String(unknown, radix: 16))) in function networkPortCreateXML")
        }
        try check(port, reclaim: flags & flag != 0)
    }
}
