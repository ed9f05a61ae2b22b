import NetCore
import NetXML

/// `<teaming>` across a domain's devices, as seed 003 designs it: a transient partner names its
/// persistent virtio NIC by alias, takes that NIC's MAC when the user gave none, and is a host device
/// (or, with Patchbay's extension, an emulated NIC on a network).
///
/// libvirt's own per-device refusals (type, `persistent=`, model) are made where the device is
/// parsed and validated; what is here spans devices.
extension DomainNetworkDevices {
    /// Gives each transient partner NIC whose written `<interface>` had no MAC the MAC of the
    /// persistent NIC it names (libvirt would generate one; the seed asks for the copy, so that the
    /// guest sees one address whichever half is plugged). A partner naming nothing keeps its own.
    mutating func takePersistentMACs(written: [XMLElement]) {
        for (index, nic) in interfaces.enumerated() {
            guard case .transient(let alias) = nic.teaming, index < written.count, !Self.givesMAC(written[index]),
                  let persistent = persistentInterface(alias: alias) else { continue }
            interfaces[index].mac = interfaces[persistent].mac
        }
    }

    /// Whether a written `<interface>` chose its MAC (a missing or all-zero address is generated).
    private static func givesMAC(_ interface: XMLElement) -> Bool {
        guard let text = interface.element("mac")?.attribute("address"), let address = try? MACAddress(text) else { return false }
        return !address.octets.allSatisfy { $0 == 0 }
    }

    /// The index of the `<teaming type='persistent'/>` NIC with this alias.
    private func persistentInterface(alias: String) -> Int? {
        interfaces.firstIndex { $0.info.alias == alias && $0.teaming == .persistent }
    }

    /// Refuses inconsistent teaming before the guest starts: the persistent NIC needs a user alias
    /// for its partner to name; a partner names an existing persistent NIC and is a host device, or
    /// a NIC on a network that Patchbay's extension names.
    ///
    /// libvirt defines such domains (it checks each device alone), so this is not part of parsing:
    /// the guest driver calls it when it builds the guest's devices.
    public func validateTeaming() throws(PatchbayError) {
        for nic in interfaces where nic.teaming == .persistent && nic.info.alias == nil {
            throw PatchbayError(.configUnsupported, "virtio-net teaming persistent interface \(nic.mac.address) must have an <alias name='ua-...'/> for its transient partner to name", domain: .domain)
        }
        for nic in interfaces {
            guard case .transient(let alias) = nic.teaming else { continue }
            try requirePersistent(alias)
            if nic.type != .hostdev && !isEmulatedTransient(nic) {
                throw PatchbayError(.configUnsupported, "virtio-net teaming transient interface must be type='hostdev', not '\(nic.type.rawValue)'", domain: .domain)
            }
        }
        for hostdev in hostdevs {
            guard case .transient(let alias) = hostdev.teaming else { continue }
            try requirePersistent(alias)
        }
    }

    private func requirePersistent(_ alias: String) throws(PatchbayError) {
        guard persistentInterface(alias: alias) == nil else { return }
        throw PatchbayError(.configUnsupported, "virtio-net teaming transient device names persistent='\(alias)', which is no <teaming type='persistent'/> interface of this domain", domain: .domain)
    }

    /// Whether this NIC is a transient partner on a network that Patchbay's extension allows.
    public func isEmulatedTransient(_ nic: DomainInterface) -> Bool {
        guard case .transient = nic.teaming, nic.type == .network, let alias = nic.info.alias else { return false }
        return extensions.emulatedTransients.contains(alias)
    }
}
