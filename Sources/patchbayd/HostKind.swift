import ArgumentParser
import NetDriver
import PatchbayDaemon

/// Which `NetworkHost` the daemon drives.
enum HostKind: String, ExpressibleByArgument {
    /// The real kernel configuration.
    case linux
    /// Bookkeeping only, for development and protocol tests.
    case standIn = "stand-in"

    func make() -> NetworkHost {
        switch self {
        // Until LinuxNetworkHost lands in main, the real backend is not linked in.
        case .linux, .standIn: StandInNetworkHost()
        }
    }
}
