import NetConf
import NetCore
import NetDriver

/// A host that configures nothing: networks "run" only in the driver's books.
///
/// For development and protocol tests (`patchbayd --host stand-in`), where what matters is the
/// RPC surface and the driver's logic, not the kernel. It names bridges like the real host so
/// clients see the same answers.
public final class StandInNetworkHost: NetworkHost, @unchecked Sendable {
    /// Creates the stand-in.
    public init() {}

    /// Records nothing; the network's bridge is what its definition names.
    public func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        NetworkRuntime(bridge: network.bridge.name ?? network.forward?.device,
                       ownsBridge: network.forwardMode == nil || network.forwardMode?.hasLibvirtBridge == true)
    }

    /// Nothing to remove.
    public func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {}

    /// Nothing to apply.
    public func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        runtime
    }

    /// Nothing to plug.
    public func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: UInt64) throws(PatchbayError) {}

    /// Nothing to unplug.
    public func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: UInt64) throws(PatchbayError) {}

    /// Never any drift: there is no kernel state to compare.
    public func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor], stateDirectory: String) -> [Drift] {
        []
    }

    /// No bridges exist.
    public func existingBridgeNames() -> Set<String> { [] }
}
