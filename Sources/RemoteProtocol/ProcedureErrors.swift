import NetCore

extension RemoteProcedure {
    /// The public libvirt API behind this procedure, e.g. `virNetworkCreate`: libvirt names it
    /// in NO_SUPPORT and read-only refusals, and clients show that text to people.
    public var apiName: String {
        let name = String(describing: self)
        return "vir" + name.prefix(1).uppercased() + name.dropFirst()
    }

    /// The error domain libvirt reports this procedure's failures in. Connection-level calls use
    /// VIR_FROM_DOMAIN (20), as captured from the real network daemon, odd as that looks.
    public var errorDomain: ErrorDomain {
        let name = String(describing: self)
        // Before the others: domain calls about NICs mention "Interface" too.
        if name.hasPrefix("domain") || name.contains("Domain") { return .domain }
        if name.hasPrefix("network") || name.contains("Network") { return .network }
        if name.hasPrefix("interface") || name.contains("Interface") { return .interface }
        if name.hasPrefix("nodeGet") { return .none }
        if name.hasPrefix("nodeDevice") || name.hasPrefix("node") || name.contains("NodeDevice") { return .nodeDevice }
        return .domain
    }

    /// libvirt's answer when the driver does not implement this procedure (captured for
    /// CONNECT_GET_VERSION, GET_HOSTNAME, GET_CAPABILITIES, GET_SYSINFO and the interface
    /// transaction calls on Debian's udev backend).
    public var unsupportedError: PatchbayError {
        PatchbayError(.noSupport, apiName, domain: errorDomain)
    }

    /// The refusal for this procedure on a read-only connection (the `-ro` sockets, or
    /// CONNECT_OPEN with VIR_CONNECT_RO), nil when it is allowed.
    public func refusal(readOnly: Bool) -> PatchbayError? {
        guard readOnly, isMutating else { return nil }
        return PatchbayError(.operationDenied, "read only access prevents \(apiName)", domain: errorDomain)
    }
}
