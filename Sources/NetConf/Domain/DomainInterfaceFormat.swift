import NetCore
import NetXML

extension DomainInterface {
    /// The `<interface>` element in libvirt 9.0's element order.
    /// - Parameter active: format for a running domain (adds runtime-only state such as a port id).
    public func xml(active: Bool) -> XMLElement {
        var element = XMLElement("interface", attributes: [("type", type.rawValue)])
        if type == .hostdev && managed { element.set("managed", "yes") }
        element.set("trustGuestRxFilters", yesNoText(trustGuestRxFilters))
        element.append(mac.xml)
        // A hostdev NIC prints its assignment driver with the host device, before the source.
        if let hostdevBackend { element.append(XMLElement("driver", attributes: [("name", hostdevBackend.rawValue)])) }
        element.append(source.xml(includeLiveState: active))
        element.append(vlan?.xml)
        element.append(virtualPort?.xml)
        element.append(bandwidth?.xml())
        element.append(portOptions?.xml)
        element.append(contentsOf: ips.map(\.xml))
        element.append(contentsOf: routes.map(\.xml))
        element.append(contentsOf: portForwards.map(\.xml))
        if let script { element.append(XMLElement("script", attributes: [("path", script)])) }
        if let downscript { element.append(XMLElement("downscript", attributes: [("path", downscript)])) }
        if let backendDomain { element.append(XMLElement("backenddomain", attributes: [("name", backendDomain)])) }
        if let target {
            var child = XMLElement("target")
            child.set("dev", target.dev)
            child.set("managed", yesNoText(target.managed))
            element.append(child)
        }
        if guestDev != nil || guestActual != nil {
            var guest = XMLElement("guest")
            guest.set("dev", guestDev)
            guest.set("actual", guestActual)
            element.append(guest)
        }
        if let model { element.append(XMLElement("model", attributes: [("type", model.name)])) }
        if model?.isVirtio ?? false { element.append(driver?.xml) }
        element.append(backend?.xml)
        element.append(filterRef?.xml)
        if let sendBuffer {
            var tune = XMLElement("tune")
            tune.appendText("sndbuf", String(sendBuffer))
            element.append(tune)
        }
        element.append(teaming?.xml)
        if let linkState { element.append(XMLElement("link", attributes: [("state", linkState.rawValue)])) }
        if let mtu { element.append(XMLElement("mtu", attributes: [("size", String(mtu))])) }
        if let coalesceRxFrames {
            let frames = XMLElement("frames", attributes: [("max", String(coalesceRxFrames))])
            element.append(XMLElement("coalesce", children: [.element(XMLElement("rx", children: [.element(frames)]))]))
        }
        element.append(contentsOf: info.elements)
        return element
    }
}
