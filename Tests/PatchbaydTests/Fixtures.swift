/// Documents the end-to-end tests feed to the clients.
enum Fixtures {
    /// An isolated network with its own bridge and no addresses (no dnsmasq needed).
    static func network(_ name: String, bridge: String, uuid: String? = nil) -> String {
        let uuidLine = uuid.map { "<uuid>\($0)</uuid>" } ?? ""
        return "<network><name>\(name)</name>\(uuidLine)<bridge name='\(bridge)'/></network>\n"
    }

    static let portUUID = "11111111-2222-3333-4444-555555555555"

    /// A port owned by a guest `vm1`.
    static func port(_ uuid: String = portUUID, mac: String = "52:54:00:11:22:33") -> String {
        """
        <networkport>
          <uuid>\(uuid)</uuid>
          <owner><name>vm1</name><uuid>aaaaaaaa-2222-3333-4444-555555555555</uuid></owner>
          <mac address='\(mac)'/>
        </networkport>

        """
    }
}
