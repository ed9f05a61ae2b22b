import NetCore

/// The commands the guest driver runs most, typed.
extension QMPConnection {
    /// What `query-status` says.
    public struct RunState: Sendable, Equatable {
        /// True while vCPUs run.
        public let running: Bool
        /// QEMU's run state: `running`, `paused`, `prelaunch`, `shutdown`, `inmigrate`, ...
        public let status: String

        /// Creates a state (tests, fakes).
        public init(running: Bool, status: String) {
            self.running = running
            self.status = status
        }
    }

    /// `query-status`.
    public func queryStatus() throws(PatchbayError) -> RunState {
        let result = try execute("query-status")
        guard let running = result["running"]?.boolValue, let status = result["status"]?.stringValue else {
            throw PatchbayError(.internalError, "unexpected reply to query-status: \(result)", domain: .qemu)
        }
        return RunState(running: running, status: status)
    }

    /// `set_link`: the guest sees the NIC `device` (its QEMU id) gain or lose its carrier.
    public func setLink(device: String, up: Bool) throws(PatchbayError) {
        try execute("set_link", ["name": .string(device), "up": .bool(up)])
    }

    /// `cont`: runs a paused (or `-S`) guest.
    public func cont() throws(PatchbayError) { try execute("cont") }

    /// `stop`: pauses the guest.
    public func stop() throws(PatchbayError) { try execute("stop") }

    /// `system_powerdown`: presses the ACPI power button; the guest decides.
    public func systemPowerdown() throws(PatchbayError) { try execute("system_powerdown") }
}
