import NetConf
import NetCore

/// Chooses the pool device a new port uses (seed 002: passthrough takes a device for itself;
/// the other direct modes share devices, balanced by connection count).
public enum PortAllocation {
    /// Whether a network's ports need a device of their own.
    public static func isExclusive(_ network: NetworkDefinition) -> Bool {
        network.portsNeedOwnDevice
    }

    /// Index of the pool entry to use: for exclusive networks the first unused one, otherwise the
    /// one with the fewest connections (the first of equals, so allocation is deterministic).
    public static func choose(for network: NetworkDefinition) throws(PatchbayError) -> Int {
        let pool = network.forward?.pool ?? []
        if isExclusive(network) {
            guard let free = pool.firstIndex(where: { $0.connections == 0 }) else {
                throw .internalError("network '\(network.name)' requires exclusive access to interfaces, but none are available")
            }
            return free
        }
        guard let first = pool.indices.first else {
            throw .internalError("network '\(network.name)' uses a direct mode, but has no forward dev and no interface pool")
        }
        return pool.indices.reduce(first) { best, index in pool[index].connections < pool[best].connections ? index : best }
    }
}
