import Foundation
import NetConf
import NetCore
import NetDriver

/// The host for a torture run: the real one inside a namespace, or one that touches nothing.
final class TortureHost: NetworkHost, @unchecked Sendable {
    private let real: NetworkHost?
    // The real host, once wired, replaces InertNetworkHost when a namespace is given.
    private let namespace: String?

    private init(real: NetworkHost?, namespace: String?) {
        self.real = real
        self.namespace = namespace
    }

    static func make(namespace: String?) throws -> TortureHost {
        TortureHost(real: InertNetworkHost(), namespace: namespace)
    }

    func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        guard let real else { throw PatchbayError.internalError("no host") }
        return try real.start(network, floors: floors, stateDirectory: stateDirectory)
    }

    func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {
        try real?.stop(network, runtime: runtime, stateDirectory: stateDirectory)
    }

    func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        try real?.update(network, runtime: runtime, stateDirectory: stateDirectory) ?? runtime
    }

    func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: UInt64) throws(PatchbayError) {
        try real?.plugFloor(floor, network: network, runtime: runtime, flooredTotal: flooredTotal)
    }

    func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: UInt64) throws(PatchbayError) {
        try real?.unplugFloor(classID: classID, network: network, runtime: runtime, flooredTotal: flooredTotal)
    }

    func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor], stateDirectory: String) -> [Drift] {
        real?.reconcile(network, runtime: &runtime, floors: floors, stateDirectory: stateDirectory) ?? []
    }

    func existingBridgeNames() -> Set<String> { real?.existingBridgeNames() ?? [] }

    /// Kernel objects in the namespace that no active network owns (empty without a real host).
    func ownerlessKernelObjects(active: [String]) -> [String] { [] }
}
