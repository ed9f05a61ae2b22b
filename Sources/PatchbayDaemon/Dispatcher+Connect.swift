import Glibc
import NetCore
import RemoteProtocol

/// The libvirt API level Patchbay answers to CONNECT_GET_LIB_VERSION: the 9.0.0 it mirrors.
let libvirtCompatibleVersion: UInt64 = 9_000_000

extension Dispatcher {
    /// Connection-level procedures, the same on every socket (nil: not one of them).
    func connectCall(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .authList:
            // Root needs no authentication (libvirt bypasses polkit for uid 0); others were
            // already refused by the access check.
            return AuthListRet(types: [.none])
        case .authPolkit:
            return IntRet(1)
        case .connectSupportsFeature:
            let args = try arguments(ConnectSupportsFeatureArgs.self, procedure, payload)
            return IntRet(Self.supportedFeatures.contains(args.feature))
        case .connectOpen:
            let args = try arguments(ConnectOpenArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: ConnectOpenArgs.readOnlyFlag | 2, procedure)
            session.open(uri: args.name, readOnly: args.flags & ConnectOpenArgs.readOnlyFlag != 0)
            return XDRVoid()
        case .connectClose:
            session.close()
            broker.drop(session)
            return XDRVoid()
        case .connectRegisterCloseCallback, .connectUnregisterCloseCallback, .connectSetIdentity:
            // The close callback fires on the client side when the socket drops; nothing to keep.
            return XDRVoid()
        case .connectGetType:
            // virtqemud says "QEMU" (the hypervisor), the others their driver's name.
            return StringMessage(session.role.service == .qemu ? "QEMU" : session.role.service.rawValue)
        case .connectGetURI:
            return StringMessage(session.uri ?? "\(session.role.service.rawValue):///system")
        case .connectGetVersion where session.role.service == .qemu:
            return UnsignedHyperRet(hypervisorVersion)
        case .connectGetHostname where session.role.service == .qemu:
            return StringMessage(Self.hostname)
        case .connectIsSecure:
            // A local UNIX socket: nobody else can read the traffic.
            return IntRet(1)
        case .connectGetLibVersion:
            return UnsignedHyperRet(libvirtCompatibleVersion)
        case .connectGetVersion, .connectGetHostname, .connectGetCapabilities, .connectGetSysinfo:
            // What virtnetworkd answers (captured): these belong to hypervisor drivers.
            throw procedure.unsupportedError
        default:
            return nil
        }
    }

    /// The host name as gethostname(2) has it (virsh hostname, libvirt-python getHostname).
    static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// VIR_DRV_FEATURE_* answered 1: keepalive, callback events, close callbacks, and the
    /// documented NETWORK_UPDATE argument order (0 would make clients swap command and section).
    static let supportedFeatures: Set<Int32> = Set(ConnectFeature.allCases.map(\.rawValue))
}
