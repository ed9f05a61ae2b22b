import GuestDriver
import NetCore
import RemoteProtocol

extension DomainInterfaceBandwidth {
    /// The seven `domiftune` parameters in libvirt's order, all `uint` as libvirt sends them.
    var typedParameters: [TypedParameter] {
        let values = [inboundAverage, inboundPeak, inboundBurst, inboundFloor, outboundAverage, outboundPeak, outboundBurst]
        return zip(NetworkPortParameterName.all, values).map {
            TypedParameter(field: $0, value: .uint(UInt32(clamping: $1)))
        }
    }

    /// Applies `domiftune` values over the current ones. As in libvirt, an average of 0 removes
    /// that direction's whole shaping (peak, burst and floor go with it).
    mutating func apply(_ parameters: [TypedParameter]) throws(PatchbayError) {
        for parameter in parameters {
            guard case let .uint(raw) = parameter.value else {
                throw PatchbayError(.invalidArg, "invalid type for parameter '\(parameter.field)', expected 'uint'", domain: .domain)
            }
            let value = UInt64(raw)
            switch parameter.field {
            case NetworkPortParameterName.inboundAverage: inboundAverage = value
            case NetworkPortParameterName.inboundPeak: inboundPeak = value
            case NetworkPortParameterName.inboundBurst: inboundBurst = value
            case NetworkPortParameterName.inboundFloor: inboundFloor = value
            case NetworkPortParameterName.outboundAverage: outboundAverage = value
            case NetworkPortParameterName.outboundPeak: outboundPeak = value
            case NetworkPortParameterName.outboundBurst: outboundBurst = value
            default:
                throw PatchbayError(.argumentUnsupported, "parameter '\(parameter.field)' not supported", domain: .domain)
            }
        }
        let given = Set(parameters.map(\.field))
        if given.contains(NetworkPortParameterName.inboundAverage) && inboundAverage == 0 {
            (inboundPeak, inboundBurst, inboundFloor) = (0, 0, 0)
        }
        if given.contains(NetworkPortParameterName.outboundAverage) && outboundAverage == 0 {
            (outboundPeak, outboundBurst) = (0, 0)
        }
    }
}
