import GuestDriver
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NetCore
import NetDriver
import NodeDevices
import RemoteProtocol

/// Event registrations of every connection, and delivery of the driver's events to them.
///
/// libvirt sends each event to every connection that registered for it, as a MESSAGE carrying
/// that registration's callback id; a connection may register several times.
public final class EventBroker: @unchecked Sendable {
    /// What a registration listens to.
    public enum Kind: Sendable, Equatable {
        /// libvirt's network lifecycle events (NETWORK_EVENT_LIFECYCLE).
        case networkLifecycle
        /// libvirt's node device lifecycle events (network devices created and deleted).
        case nodeDevice
        /// libvirt's node device update events (registered, never produced: a link's state is not a
        /// change of its node device document's identity).
        case nodeDeviceUpdate
        /// Patchbay's port events.
        case port
        /// libvirt's domain lifecycle events, callback style (DOMAIN_EVENT_CALLBACK_LIFECYCLE).
        case domainLifecycle
        /// The old one-per-connection registration (DOMAIN_EVENT_LIFECYCLE, no callback id).
        case domainLifecycleLegacy
    }

    private struct Registration {
        let session: ClientSession
        let kind: Kind
        /// The one network or domain registered for, nil for all of them.
        let network: LibvirtUUID?
    }

    private let lock = NIOLock()
    private var registrations: [Int32: Registration] = [:]
    private var nextID: Int32 = 0
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Adds a registration and returns its callback id (libvirtd numbers from 0).
    func register(_ session: ClientSession, kind: Kind, network: LibvirtUUID?) -> Int32 {
        let id = lock.withLock {
            let id = nextID
            nextID = nextID == Int32.max ? 0 : nextID + 1
            registrations[id] = Registration(session: session, kind: kind, network: network)
            return id
        }
        logger.debug("events registered", metadata: ["connection": "\(session.id)", "callback": "\(id)", "kind": "\(kind)"])
        return id
    }

    /// Removes a registration of this connection; another connection's id is refused as unknown.
    func deregister(_ session: ClientSession, kind: Kind, callbackID: Int32) throws(PatchbayError) {
        let removed = lock.withLock { () -> Bool in
            guard let found = registrations[callbackID], found.session.id == session.id, found.kind == kind else { return false }
            registrations[callbackID] = nil
            return true
        }
        guard removed else { throw PatchbayError(.invalidArg, "callback ID \(callbackID) not registered") }
    }

    /// Forgets every registration of a closed connection.
    func drop(_ session: ClientSession) {
        lock.withLock { registrations = registrations.filter { $0.value.session.id != session.id } }
    }

    /// Forgets every registration of one kind of a connection (the old-style deregister names none).
    func dropAll(_ session: ClientSession, kind: Kind) {
        lock.withLock { registrations = registrations.filter { $0.value.session.id != session.id || $0.value.kind != kind } }
    }

    /// Number of registrations (for tests and logs).
    public var count: Int { lock.withLock { registrations.count } }

    private func send(_ packet: Packet, to registration: Registration) {
        registration.session.channel.send(packet).whenFailure { [logger] error in
            logger.debug("event not delivered", metadata: ["connection": "\(registration.session.id)", "error": "\(error)"])
        }
    }

    /// Sends one driver event to every registration that wants it.
    func deliver(_ event: NetworkEvent) {
        let targets = lock.withLock { registrations.sorted { $0.key < $1.key } }
        for (callbackID, registration) in targets {
            guard let packet = packet(for: event, callbackID: callbackID, registration: registration) else { continue }
            send(packet, to: registration)
        }
    }

    /// Sends one guest driver event to every registration that wants it.
    func deliver(_ event: DomainEvent) {
        guard case let .lifecycle(name, uuid, id, code, detail) = event else { return }
        let domain = DomainReference(name: name, uuid: uuid, id: id)
        let message = DomainEventLifecycleMessage(domain: domain, event: code, detail: detail)
        let targets = lock.withLock { registrations.sorted { $0.key < $1.key } }
        var legacySent = Set<UInt64>()
        // The old one-per-connection form is the same packet for every connection.
        let legacy = try? Packet.event(.domainEventLifecycle, message: message)
        for (callbackID, registration) in targets {
            let packet: Packet?
            switch registration.kind {
            case .domainLifecycle where registration.network == nil || registration.network == uuid:
                packet = try? Packet.event(.domainEventCallbackLifecycle,
                                           message: DomainEventCallbackLifecycleMessage(callbackID: callbackID, message: message))
            case .domainLifecycleLegacy where legacySent.insert(registration.session.id).inserted:
                packet = legacy
            default:
                packet = nil
            }
            guard let packet else { continue }
            send(packet, to: registration)
        }
    }

    /// Sends a node device lifecycle event to every node device registration.
    func deliver(_ event: NodeDeviceEvent) {
        let (name, code): (String, Int32) = switch event {
        case .created(let name): (name, 0)  // VIR_NODE_DEVICE_EVENT_CREATED
        case .deleted(let name): (name, 1)  // VIR_NODE_DEVICE_EVENT_DELETED
        }
        let targets = lock.withLock { registrations.filter { $0.value.kind == .nodeDevice }.sorted { $0.key < $1.key } }
        for (callbackID, registration) in targets {
            let message = NodeDeviceEventLifecycleMessage(callbackID: callbackID, device: NodeDeviceReference(name: name), event: code)
            guard let packet = try? Packet.event(.nodeDeviceEventLifecycle, message: message) else { continue }
            send(packet, to: registration)
        }
    }

    private func packet(for event: NetworkEvent, callbackID: Int32, registration: Registration) -> Packet? {
        switch event {
        case let .lifecycle(network, uuid, change):
            guard registration.kind == .networkLifecycle, registration.network == nil || registration.network == uuid,
                  let code = NetworkLifecycleEvent(rawValue: change.rawValue) else { return nil }
            return try? Packet.networkLifecycleEvent(callbackID: callbackID, network: NetworkReference(name: network, uuid: uuid),
                                                     event: code)
        case let .port(network, networkUUID, port, change):
            guard registration.kind == .port, registration.network == nil || registration.network == networkUUID,
                  let kind = PortEventKind(rawValue: change.rawValue) else { return nil }
            let message = PortEventMessage(callbackID: callbackID, network: NetworkReference(name: network, uuid: networkUUID),
                                           port: port, event: kind)
            let header = PacketHeader(program: .patchbay, procedure: PatchbayProcedure.portEvent.rawValue, type: .message, serial: 0)
            return try? Packet(header: header, body: message)
        }
    }
}
