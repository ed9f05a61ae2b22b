import NetConf
import NetCore
import NetDriver
import RemoteProtocol

extension Dispatcher {
    /// Network port procedures (nil: not one of them).
    func portCall(_ procedure: RemoteProcedure, payload: [UInt8]) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .networkListAllPorts:
            let args = try arguments(NetworkListAllPortsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            let network = try driver.lookup(name: args.network.name).reference
            let ports = try driver.ports(network: network.name).map { NetworkPortReference(network: network, uuid: $0.uuid) }
            return NetworkListAllPortsRet(ports: args.needResults != 0 ? ports : [], count: UInt32(ports.count))
        case .networkPortLookupByUUID:
            let args = try arguments(NetworkPortLookupByUUIDArgs.self, procedure, payload)
            let network = try driver.lookup(name: args.network.name).reference
            let port = try driver.port(network: network.name, uuid: args.uuid)
            return NetworkPortMessage(NetworkPortReference(network: network, uuid: port.uuid))
        case .networkPortCreateXML:
            let args = try arguments(NetworkPortCreateXMLArgs.self, procedure, payload)
            let network = try driver.lookup(name: args.network.name).reference
            let port = try driver.createPort(network: network.name, xml: args.xml, flags: NetworkPortCreateFlags(rawValue: args.flags))
            return NetworkPortMessage(NetworkPortReference(network: network, uuid: port.uuid))
        case .networkPortGetXMLDesc:
            let args = try arguments(NetworkPortFlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            return StringMessage(try driver.port(network: args.port.network.name, uuid: args.port.uuid).formatXML())
        case .networkPortDelete:
            let args = try arguments(NetworkPortFlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            try driver.deletePort(network: args.port.network.name, port: args.port.uuid)
            return XDRVoid()
        case .networkPortGetParameters:
            let args = try arguments(NetworkPortGetParametersArgs.self, procedure, payload)
            let parameters = try driver.portParameters(network: args.port.network.name, port: args.port.uuid).ordered
            let typed = parameters.map { TypedParameter(field: $0.name, value: .uint(UInt32(clamping: $0.value))) }
            // libvirt's two-step protocol: a count of 0 asks only how many there are.
            return NetworkPortGetParametersRet(params: args.parameterCount == 0 ? [] : typed, parameterCount: Int32(typed.count))
        case .networkPortSetParameters:
            let args = try arguments(NetworkPortSetParametersArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            var values: [String: UInt64] = [:]
            for parameter in args.params {
                switch parameter.value {
                case let .uint(value): values[parameter.field] = UInt64(value)
                case let .ullong(value): values[parameter.field] = value
                default: throw PatchbayError(.invalidArg, "invalid type for parameter '\(parameter.field)', expected 'uint'")
                }
            }
            try driver.setPortParameters(network: args.port.network.name, port: args.port.uuid,
                                         PortBandwidthParameters(values: values))
            return XDRVoid()
        default:
            return nil
        }
    }
}
