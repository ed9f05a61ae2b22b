import NetConf
import NetCore

/// libvirt's `virNetworkUpdateFlags` (same bits).
public struct NetworkUpdateFlags: OptionSet, Sendable {
    /// Raw bits.
    public let rawValue: UInt32
    /// Creates flags from libvirt's bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// VIR_NETWORK_UPDATE_AFFECT_CURRENT: live if running, else config.
    public static let current: NetworkUpdateFlags = []
    /// VIR_NETWORK_UPDATE_AFFECT_LIVE
    public static let live = NetworkUpdateFlags(rawValue: 1 << 0)
    /// VIR_NETWORK_UPDATE_AFFECT_CONFIG
    public static let config = NetworkUpdateFlags(rawValue: 1 << 1)
}

extension NetworkDriver {
    /// net-update: applies one command to the live and/or persistent definition. Either every
    /// requested copy changes, or none does.
    public func update(name: String, command: NetworkUpdateCommand, section: NetworkUpdateSection, parentIndex: Int,
                       xml: String, flags: NetworkUpdateFlags = .current) throws(PatchbayError) {
        guard flags.rawValue & ~UInt32(3) == 0 else {
            throw PatchbayError(.invalidArg, "unsupported flags (0x\(String(flags.rawValue & ~UInt32(3), radix: 16))) in function virNetworkUpdate")
        }
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            var affectLive = flags.contains(.live)
            var affectConfig = flags.contains(.config)
            if !affectLive && !affectConfig {
                if object.isActive { affectLive = true } else { affectConfig = true }
            }
            if affectLive && !object.isActive {
                throw PatchbayError(.operationInvalid, "network '\(name)' is not active, so its live state cannot be updated")
            }
            if affectConfig && !object.isPersistent {
                throw PatchbayError(.operationInvalid, "cannot change persistent config of a transient network")
            }
            // Work on copies; commit only when every step succeeded.
            var newConfig = object.config
            var newLive = object.live
            var newRuntime = object.runtime
            if affectConfig, var config = newConfig {
                try config.update(command: command, section: section, parentIndex: parentIndex, xml: xml)
                try config.validateForDefine()
                newConfig = config
            }
            if affectLive, var live = newLive, let runtime = newRuntime {
                try live.update(command: command, section: section, parentIndex: parentIndex, xml: xml)
                try live.validateForDefine()
                newRuntime = try host.update(live, runtime: runtime, stateDirectory: hostStateDirectory(name))
                newLive = live
            }
            if affectConfig, let config = newConfig { try store.saveConfig(config) }
            if affectLive, let live = newLive, let runtime = newRuntime { try store.saveStatus(live, runtime: runtime) }
            object.config = newConfig
            object.live = newLive
            object.runtime = newRuntime
            object.recount()
            networks[name] = object
        }
    }
}
