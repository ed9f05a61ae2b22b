import Testing

/// Debian's libvirt-python against patchbayd, including the old list/num calls and events.
@Suite("libvirt-python end to end", .serialized)
struct PythonEndToEndTests {
    static let script = pythonLibvirtScript(arguments: ["uri", "ro_uri", "net_xml", "port_xml"], #"""
    c = libvirt.open(uri)
    print("lib", c.getLibVersion(), "secure", c.isSecure(), "type", c.getType())
    seen = []
    cid = c.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                    lambda conn, net, event, detail, opaque: seen.append((net.name(), event)), None)
    n = c.networkDefineXML(net_xml)
    print("defined", c.numOfDefinedNetworks(), c.listDefinedNetworks())
    n.create()
    print("active", c.numOfNetworks(), c.listNetworks(), [x.name() for x in c.listAllNetworks()])
    print("bridge", n.bridgeName(), "leases", n.DHCPLeases())
    p = n.portCreateXML(port_xml)
    p.setParameters({"inbound.average": 1000, "outbound.average": 500})
    params = p.parameters()
    print("params", params["inbound.average"], params["outbound.average"], params["inbound.floor"])
    print("ports", [x.UUIDString() for x in n.listAllPorts()])
    p.delete()
    try:
        c.networkLookupByName("nope")
    except libvirt.libvirtError as e:
        print("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())
    try:
        c.getCapabilities()
    except libvirt.libvirtError as e:
        print("caps", e.get_error_code())
    r = libvirt.openReadOnly(ro_uri)
    try:
        r.networkLookupByName(n.name()).destroy()
    except libvirt.libvirtError as e:
        print("readonly", e.get_error_code(), e.get_error_message())
    r.close()
    n.destroy()
    n.undefine()
    deadline = time.time() + 5
    while len(seen) < 4 and time.time() < deadline:
        time.sleep(0.05)
    print("events", seen)
    c.networkEventDeregisterAny(cid)
    c.close()
    """#)

    @Test("connections, lists, ports, parameters, errors and networkEventRegisterAny")
    func python() throws {
        try DaemonHarness.with { daemon in
            let script = try daemon.file("client.py", Self.script)
            let result = try Shell.run("/usr/bin/python3", [script, daemon.uri, daemon.readOnlyURI,
                                                            Fixtures.network("py1", bridge: "pbpy1"), Fixtures.port()])
            #expect(result.status == 0, "\(result)")
            let output = result.output
            #expect(output.contains("lib 9000000 secure 1 type network"), "\(result)")
            #expect(output.contains("defined 1 ['py1']"), "\(result)")
            #expect(output.contains("active 1 ['py1'] ['py1']"), "\(result)")
            #expect(output.contains("bridge pbpy1 leases []"), "\(result)")
            #expect(output.contains("params 1000 500 0"), "\(result)")
            #expect(output.contains("ports ['\(Fixtures.portUUID)']"), "\(result)")
            #expect(output.contains("error 43 19 Network not found: no network with matching name 'nope'"), "\(result)")
            #expect(output.contains("caps 3"), "\(result)")
            #expect(output.contains("readonly 29 operation forbidden: read only access prevents virNetworkDestroy"), "\(result)")
            #expect(output.contains("events [('py1', 0), ('py1', 2), ('py1', 3), ('py1', 1)]"), "\(result)")
        }
    }
}
