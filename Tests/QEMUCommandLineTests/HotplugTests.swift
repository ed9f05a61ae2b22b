import QEMUCommandLine
import Testing

@Suite("QMP hot-plug form")
struct HotplugTests {
    /// The arguments with descriptors named as `getfd` would name them.
    private func named(_ xml: String) throws -> GuestNetworkArguments {
        try GuestNetworkArguments(devices: try GuestNetworkDevices.parse(domainXML: xml), capabilities: QEMUCapabilities(vfioPCI: true),
                                  runtime: GuestRuntime(domainID: 1, domainName: "guest", stateDirectory: "/run/patchbay")) { descriptor in
            switch descriptor {
            case .tap(let alias, let queue): "tap-\(alias)-\(queue)"
            case .vhost(let alias, let queue): "vhost-\(alias)-\(queue)"
            case .vdpa(let alias): "vdpa-\(alias)"
            }
        }
    }

    static let cases: [(devices: String, alias: String, commands: [String])] = [
        (persistentNIC + transientVF, "ua-backup0", [
            #"{"execute":"netdev_add","arguments":{"type":"tap","fd":"tap-ua-backup0-0","vhost":true,"vhostfd":"vhost-ua-backup0-0","id":"hostua-backup0"}}"#,
            #"{"execute":"device_add","arguments":{"driver":"virtio-net-pci","failover":true,"netdev":"hostua-backup0","id":"ua-backup0","mac":"52:54:00:aa:bb:cc","bus":"pci.0","addr":"0x2"}}"#,
        ]),
        (persistentNIC + transientVF, "hostdev0", [
            #"{"execute":"device_add","arguments":{"driver":"vfio-pci","host":"0000:03:07.1","id":"hostdev0","failover_pair_id":"ua-backup0","bus":"pci.0","addr":"0x3"}}"#,
        ]),
        ("""
            <interface type='network'><mac address='52:54:00:00:00:07'/><source network='default'/><model type='virtio'/>
              <driver queues='2'/></interface>
            """, "net0", [
            #"{"execute":"netdev_add","arguments":{"type":"tap","fds":"tap-net0-0:tap-net0-1","vhost":true,"vhostfds":"vhost-net0-0:vhost-net0-1","id":"hostnet0"}}"#,
            #"{"execute":"device_add","arguments":{"driver":"virtio-net-pci","mq":true,"vectors":6,"netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:07","bus":"pci.0","addr":"0x2"}}"#,
        ]),
        ("""
            <interface type='vhostuser'><mac address='52:54:00:00:00:08'/><source type='unix' path='/tmp/vu.sock' mode='server'/>
              <model type='virtio'/></interface>
            """, "net0", [
            #"{"execute":"chardev-add","arguments":{"id":"charnet0","backend":{"type":"socket","data":{"addr":{"type":"unix","data":{"path":"/tmp/vu.sock"}},"server":true,"wait":false}}}}"#,
            #"{"execute":"netdev_add","arguments":{"type":"vhost-user","chardev":"charnet0","id":"hostnet0"}}"#,
            #"{"execute":"device_add","arguments":{"driver":"virtio-net-pci","netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:08","bus":"pci.0","addr":"0x2"}}"#,
        ]),
        ("""
            <interface type='vdpa'><mac address='52:54:00:00:00:09'/><source dev='/dev/vhost-vdpa-0'/></interface>
            """, "net0", [
            #"{"execute":"add-fd","arguments":{"fdset-id":0,"opaque":"net0-vdpa"}}"#,
            #"{"execute":"netdev_add","arguments":{"type":"vhost-vdpa","vhostdev":"/dev/fdset/0","id":"hostnet0"}}"#,
            #"{"execute":"device_add","arguments":{"driver":"virtio-net-pci","netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:09","bus":"pci.0","addr":"0x2"}}"#,
        ]),
    ]

    @Test(arguments: cases)
    func hotplugCommands(devices: String, alias: String, commands: [String]) throws {
        let generated = try named(domainXML(devices))
        #expect(generated.hotplugCommands(alias: alias)?.map(\.json) == commands)
    }

    @Test func unknownAliasHasNoCommands() throws {
        #expect(try named(domainXML(persistentNIC)).hotplugCommands(alias: "net9") == nil)
    }
}
