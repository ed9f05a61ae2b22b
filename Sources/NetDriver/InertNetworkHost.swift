import HostNet
import NetConf
import NetCore

/// A host that configures nothing: the driver's own cost (parsing, validation, allocation,
/// crash-safe files, events) can be measured or exercised without kernel objects.
public final class InertNetworkHost: NetworkHost {
    public init() {}

    /// Reports the bridge the network names; creates nothing.
    public func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        plan(network)
    }

    /// Nothing to remove.
    public func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {}

    /// Nothing to change.
    public func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        runtime
    }

    /// Nothing to shape.
    public func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {}

    /// Nothing to unshape.
    public func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {}

    /// Nothing can drift.
    public func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor], stateDirectory: String) -> [Drift] {
        []
    }

    /// No bridges exist.
    public func existingBridgeNames() -> Set<String> { [] }
}
