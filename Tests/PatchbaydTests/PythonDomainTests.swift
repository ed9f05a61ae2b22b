import Testing

/// Debian's libvirt-python against virtqemud-sock: the QEMU driver calls and lifecycle events
/// through `domainEventRegisterAny` (a fake guest driver behind the socket).
@Suite("libvirt-python domains", .serialized)
struct PythonDomainTests {
    static let script = pythonLibvirtScript(arguments: ["uri", "ro_uri", "xml"], #"""
    c = libvirt.open(uri)
    print("type", c.getType(), "version", c.getVersion(), "uri", c.getURI().split("?")[0])
    seen = []
    cid = c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                   lambda conn, dom, event, detail, opaque: seen.append((dom.name(), event, detail)), None)
    d = c.defineXML(xml)
    print("defined", d.name(), d.UUIDString(), d.isActive(), d.isPersistent(), c.numOfDefinedDomains(), c.listDefinedDomains())
    d.create()
    print("running", d.ID(), d.state(), c.numOfDomains(), c.listDomainsID(), [x.name() for x in c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)])
    print("inactive", [x.name() for x in c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE)])
    print("byid", c.lookupByID(d.ID()).name(), "byuuid", c.lookupByUUIDString(d.UUIDString()).name())
    info = d.info()
    print("info", info[0], info[1], info[3])
    d.setInterfaceParameters("pbtap0", {"inbound.average": 1000, "outbound.peak": 300}, libvirt.VIR_DOMAIN_AFFECT_LIVE)
    p = d.interfaceParameters("pbtap0", 0)
    print("params", p["inbound.average"], p["outbound.peak"], p["inbound.floor"])
    print("stats", d.interfaceStats("pbtap0"))
    addrs = d.interfaceAddresses(libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE)
    print("addrs", [(k, v["hwaddr"], v["addrs"][0]["addr"], v["addrs"][0]["prefix"]) for k, v in sorted(addrs.items())])
    d.updateDeviceFlags("<interface type='null'><mac address='52:54:00:aa:00:01'/></interface>", libvirt.VIR_DOMAIN_AFFECT_LIVE)
    print("unplugged", "type='null'><mac address='52:54:00:aa:00:01'/>" in d.XMLDesc(0))
    try:
        c.lookupByName("nope")
    except libvirt.libvirtError as e:
        print("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())
    r = libvirt.openReadOnly(ro_uri)
    try:
        r.lookupByName("g3").destroy()
    except libvirt.libvirtError as e:
        print("readonly", e.get_error_code(), e.get_error_message())
    r.close()
    d.destroy()
    d.undefine()
    deadline = time.time() + 10
    while len(seen) < 4 and time.time() < deadline:
        time.sleep(0.05)
    print("events", seen)
    c.domainEventDeregisterAny(cid)
    c.close()
    """#)

    @Test("lifecycle, lists, lookups, info, NIC calls, errors and domainEventRegisterAny")
    func python() async throws {
        try await DomainDaemonHarness.with { daemon in
            let script = try daemon.file("client.py", Self.script)
            let result = try Shell.run("/usr/bin/python3", [script, daemon.uri, daemon.readOnlyURI, DomainDaemonHarness.guestXML("g3")])
            #expect(result.status == 0, "\(result)")
            let out = result.output
            #expect(out.contains("type QEMU version 7002000 uri qemu:///system"), "\(result)")
            #expect(out.contains("defined g3 9f2c4e1a-7b3d-4c5e-8f6a-1b2c3d4e5f60 0 1 1 ['g3']"), "\(result)")
            #expect(out.contains("running 1 [1, 1] 1 [1] ['g3']"), "\(result)")
            #expect(out.contains("inactive []"), "\(result)")
            #expect(out.contains("byid g3 byuuid g3"), "\(result)")
            #expect(out.contains("info 1 131072 1"), "\(result)")
            #expect(out.contains("params 1000 300 0"), "\(result)")
            #expect(out.contains("stats (1234, 12, 0, 1, 5678, 56, 0, 2)"), "\(result)")
            #expect(out.contains("addrs [('pbtap0', '52:54:00:aa:00:01', '192.0.2.10', 24)]"), "\(result)")
            #expect(out.contains("unplugged True"), "\(result)")
            #expect(out.contains("error 42 10 Domain not found: no domain with matching name 'nope'"), "\(result)")
            #expect(out.contains("readonly 29 operation forbidden: read only access prevents virDomainDestroy"), "\(result)")
            // DEFINED/ADDED, STARTED/BOOTED, STOPPED/DESTROYED, UNDEFINED/REMOVED, in order.
            #expect(out.contains("events [('g3', 0, 0), ('g3', 2, 0), ('g3', 5, 1), ('g3', 1, 0)]"), "\(result)")
        }
    }
}
