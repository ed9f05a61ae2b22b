import ArgumentParser
import NetDriver

/// Which `NetworkHost` the daemon drives.
enum HostKind: String, ExpressibleByArgument {
    /// The real kernel configuration.
    case linux
    /// Bookkeeping only (the driver's `InertNetworkHost`), for development and protocol tests.
    case inert

    func make() -> NetworkHost {
        switch self {
        // Until LinuxNetworkHost lands in main, the real backend is not linked in.
        case .linux, .inert: InertNetworkHost()
        }
    }
}
