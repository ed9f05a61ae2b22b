import ArgumentParser
import NetCore
import NetDriver

/// Which `NetworkHost` the daemon drives.
enum HostKind: String, ExpressibleByArgument {
    /// The real kernel configuration, in the daemon's own network namespace.
    case linux
    /// Bookkeeping only (the driver's `InertNetworkHost`), for development and protocol tests.
    case inert

    func make() throws(PatchbayError) -> NetworkHost {
        switch self {
        case .linux: try LinuxNetworkHost()
        case .inert: InertNetworkHost()
        }
    }
}
