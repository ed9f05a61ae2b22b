import HostNet
import NetConf
import NetCore
import NetDriver
import Glibc

/// A host that records what the driver asked of it, for testing the driver's logic.
final class FakeNetworkHost: NetworkHost, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var _calls: [String] = []
    private var _failStart: Set<String> = []
    private var _floors: [String: [UInt32]] = [:]

    init() { pthread_mutex_init(&mutex, nil) }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    /// Every call, in order, as "verb name".
    var calls: [String] { locked { _calls } }
    /// Floor class ids per network bridge now.
    func floors(_ network: String) -> [UInt32] { locked { (_floors[network] ?? []).sorted() } }
    /// Called with each floor call as it is recorded ("plugFloor NET CLASS"), before it returns,
    /// so a test can look at the files at that moment.
    var floorObserver: (@Sendable (String) -> Void)? {
        get { locked { _floorObserver } }
        set { locked { _floorObserver = newValue } }
    }
    private var _floorObserver: (@Sendable (String) -> Void)?
    /// Makes the next floor call fail.
    func failNextFloorCall() { locked { _failFloor = true } }
    private var _failFloor = false
    /// Makes starting `network` fail.
    func failStart(_ network: String) { _ = locked { _failStart.insert(network) } }

    func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        let fail = locked { () -> Bool in
            _calls.append("start \(network.name)")
            _floors[network.name] = floors.map(\.classID)
            return _failStart.contains(network.name)
        }
        if fail { throw PatchbayError(.internalError, "injected start failure") }
        return NetworkRuntime(bridge: network.bridge.name.flatMap { try? InterfaceName($0) }, ownsBridge: network.forwardMode == nil || network.forwardMode?.hasLibvirtBridge == true)
    }

    func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {
        locked {
            _calls.append("stop \(network.name)")
            _floors[network.name] = nil
        }
    }

    func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        locked { _calls.append("update \(network.name)") }
        return runtime
    }

    func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        let call = "plugFloor \(network.name) \(floor.classID)"
        let (observer, fail) = locked { () -> ((@Sendable (String) -> Void)?, Bool) in
            defer { _failFloor = false }
            _calls.append(call)
            if !_failFloor { _floors[network.name, default: []].append(floor.classID) }
            return (_floorObserver, _failFloor)
        }
        observer?(call)
        if fail { throw PatchbayError(.internalError, "injected floor failure") }
    }

    func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        let call = "unplugFloor \(network.name) \(classID)"
        let (observer, fail) = locked { () -> ((@Sendable (String) -> Void)?, Bool) in
            defer { _failFloor = false }
            _calls.append(call)
            if !_failFloor { _floors[network.name]?.removeAll { $0 == classID } }
            return (_floorObserver, _failFloor)
        }
        observer?(call)
        if fail { throw PatchbayError(.internalError, "injected floor failure") }
    }

    func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor], stateDirectory: String) -> [Drift] {
        locked { _calls.append("reconcile \(network.name)") }
        return []
    }

    func existingBridgeNames() -> Set<String> { ["virbr0"] }
}
