import NetCore

/// What a network's forward mode makes of it on the host. The forward-mode rules live here, in one
/// place; the driver, the host and admission ask the kind instead of switching on the mode.
public enum NetworkKind: Sendable, Equatable {
    /// How traffic leaves a network that has a bridge of its own.
    public enum Routing: Sendable, Equatable {
        /// No `<forward>`: guests reach each other and the host only.
        case isolated
        /// Forwarded out with the source rewritten.
        case nat
        /// Forwarded out and in, addresses kept.
        case route
        /// Forwarded with no firewall rules at all.
        case open
    }

    /// isolated, nat, route, open: a bridge Patchbay makes, with the network's addresses, routes,
    /// firewall, dnsmasq and bandwidth; ports are bridge ports and may hold a floor.
    case ownBridge(Routing)
    /// forward mode bridge with `<bridge name>`: an existing host bridge, nothing is created.
    case hostBridge(String)
    /// bridge without a bridge name, private, vepa, passthrough: each port is a macvlan/macvtap
    /// on one device of the pool.
    case directPool(NetworkPortPlug.DirectMode)
    /// hostdev: SR-IOV virtual functions handed to guests as PCI devices.
    case hostdevPool

    /// The kind of a network with forward mode `mode` (nil: no `<forward>`) and bridge name `bridge`.
    public init(mode: ForwardMode?, bridge: String?) {
        switch mode {
        case nil: self = .ownBridge(.isolated)
        case .nat: self = .ownBridge(.nat)
        case .route: self = .ownBridge(.route)
        case .open: self = .ownBridge(.open)
        case .bridge: self = bridge.map { .hostBridge($0) } ?? .directPool(.bridge)
        case .private: self = .directPool(.private)
        case .vepa: self = .directPool(.vepa)
        case .passthrough: self = .directPool(.passthrough)
        case .hostdev: self = .hostdevPool
        }
    }

    /// Whether Patchbay makes (and removes) the network's bridge; only such a network's bridge name
    /// is claimed against others, gets a generated default, and carries port floors.
    public var ownsBridge: Bool {
        if case .ownBridge = self { return true }
        return false
    }

    /// Whether starting the network turns on the host's IP forwarding.
    public var forwardsTraffic: Bool {
        if case .ownBridge(let routing) = self { return routing != .isolated }
        return false
    }
}

extension NetworkDefinition {
    /// What the network's forward mode makes of it on the host.
    public var kind: NetworkKind { NetworkKind(mode: forwardMode, bridge: bridge.name) }

    /// Whether each port needs a pool device of its own (passthrough and hostdev; private with an
    /// 802.1Qbh profile, whose port profile belongs to one guest).
    public var portsNeedOwnDevice: Bool {
        switch kind {
        case .directPool(.passthrough), .hostdevPool: true
        case .directPool(.private): virtualPort?.kind == .qbh
        case .ownBridge, .hostBridge, .directPool: false
        }
    }
}
