import NetCore
import NetXML

/// libvirt's `<route>`, which a network and a guest interface write alike (same attributes, same
/// order: family, address, netmask, prefix, gateway, metric).
func routeElement(family: IPFamily?, address: IPAddress, netmask: IPAddress?, prefix: UInt32?, gateway: IPAddress,
                  metric: UInt32?) -> XMLElement {
    var element = XMLElement("route")
    element.set("family", family?.rawValue)
    element.set("address", address.description)
    element.set("netmask", netmask?.description)
    element.set("prefix", prefix.map { String($0) })
    element.set("gateway", gateway.description)
    element.set("metric", metric.map { String($0) })
    return element
}
