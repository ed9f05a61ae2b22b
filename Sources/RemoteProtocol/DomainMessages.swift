import NetCore

/// Arguments or result holding only a `remote_nonnull_domain`: lookups' results and the
/// arguments of create, destroy, shutdown, undefine, autostart, info and the yes/no questions.
public struct DomainMessage: XDRStruct, Hashable {
    public var domain: DomainReference

    public init(_ domain: DomainReference) { self.domain = domain }

    /// `{remote_nonnull_domain dom}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain))
}

/// `{remote_nonnull_domain dom; unsigned int flags}`: the `*_FLAGS` variants, GET_XML_DESC,
/// GET_STATE, CREATE_WITH_FLAGS, HAS_MANAGED_SAVE_IMAGE and SNAPSHOT_NUM.
public struct DomainFlagsArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// Procedure-specific flags.
    public var flags: UInt32

    public init(domain: DomainReference, flags: UInt32 = 0) {
        self.domain = domain
        self.flags = flags
    }

    /// `{remote_nonnull_domain dom; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain), .field(\.flags))
}

/// `remote_domain_create_with_flags_ret`: the started domain, now with its id.
public typealias DomainCreateWithFlagsRet = DomainMessage
/// `remote_domain_lookup_by_uuid_args`: `{remote_uuid uuid}`, the network one's shape.
public typealias DomainLookupByUUIDArgs = NetworkLookupByUUIDArgs
/// `remote_domain_create_xml_args`: `{xml_desc; flags}`.
public typealias DomainCreateXMLArgs = XMLFlagsArgs

/// `remote_connect_list_all_domains_ret`.
public struct ConnectListAllDomainsRet: XDRStruct, Hashable {
    /// The matching domains (empty when the client did not need results).
    public var domains: [DomainReference]
    /// The number of matches.
    public var count: UInt32

    public init(domains: [DomainReference], count: UInt32) {
        self.domains = domains
        self.count = count
    }

    /// `{remote_nonnull_domain domains<REMOTE_DOMAIN_LIST_MAX>; unsigned int ret}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.domains, max: RemoteLimits.domainList), .field(\.count))
}

/// `remote_connect_list_domains_ret`: the ids of running domains.
public struct ConnectListDomainsRet: XDRStruct, Hashable {
    /// Domain ids.
    public var ids: [Int32]

    public init(ids: [Int32]) { self.ids = ids }

    /// `{int ids<REMOTE_DOMAIN_LIST_MAX>}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.ids, max: RemoteLimits.domainList))
}

/// `remote_domain_set_autostart_args`.
public struct DomainSetAutostartArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// 1 to start with the daemon, 0 not to.
    public var autostart: Int32

    public init(domain: DomainReference, autostart: Int32) {
        self.domain = domain
        self.autostart = autostart
    }

    /// `{remote_nonnull_domain dom; int autostart}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain), .field(\.autostart))
}

/// `remote_domain_get_info_ret` (virDomainInfo).
///
/// libvirt declares `state` as `unsigned char` and `nrVirtCpu` as `unsigned short`; XDR has no
/// types that small, so both travel as 4-byte unsigned ints.
public struct DomainGetInfoRet: XDRStruct, Hashable {
    /// `virDomainState`.
    public var state: UInt32
    /// Maximum memory, KiB.
    public var maxMemoryKiB: UInt64
    /// Current memory, KiB.
    public var memoryKiB: UInt64
    /// Virtual CPUs.
    public var vcpus: UInt32
    /// CPU time used, nanoseconds.
    public var cpuTime: UInt64

    public init(state: UInt32, maxMemoryKiB: UInt64, memoryKiB: UInt64, vcpus: UInt32, cpuTime: UInt64) {
        self.state = state
        self.maxMemoryKiB = maxMemoryKiB
        self.memoryKiB = memoryKiB
        self.vcpus = vcpus
        self.cpuTime = cpuTime
    }

    /// `{unsigned char state; unsigned hyper maxMem; unsigned hyper memory; unsigned short nrVirtCpu; unsigned hyper cpuTime}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.state), .field(\.maxMemoryKiB), .field(\.memoryKiB), .field(\.vcpus), .field(\.cpuTime)
    )
}

/// `remote_domain_get_state_ret`.
public struct DomainGetStateRet: XDRStruct, Hashable {
    /// `virDomainState`.
    public var state: Int32
    /// The state's reason (`virDomainRunningReason`, `virDomainShutoffReason`, ...).
    public var reason: Int32

    public init(state: Int32, reason: Int32) {
        self.state = state
        self.reason = reason
    }

    /// `{int state; int reason}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.state), .field(\.reason))
}

/// `{remote_nonnull_domain dom; remote_nonnull_string xml; unsigned int flags}`:
/// `remote_domain_update_device_flags_args` (and attach/detach's shape).
public struct DomainXMLFlagsArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// The device XML.
    public var xml: String
    /// `virDomainDeviceModifyFlags` (live 1, config 2, force 4).
    public var flags: UInt32

    public init(domain: DomainReference, xml: String, flags: UInt32 = 0) {
        self.domain = domain
        self.xml = xml
        self.flags = flags
    }

    /// `{dom; remote_nonnull_string xml; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain), .string(\.xml, max: RemoteLimits.string), .field(\.flags))
}

/// `remote_node_get_security_model_ret`: the host's security driver (SELinux, AppArmor, ...).
///
/// Both fields are `char x<257>`, which rpcgen encodes one 4-byte word per character; Patchbay
/// runs guests under no security driver and always sends both empty, which clients read as
/// "none" and then ask nothing about labels.
public struct NodeGetSecurityModelRet: XDRStruct, Hashable {
    /// The model name's characters, one word each.
    public var model: [Int32]
    /// The domain of interpretation's characters.
    public var doi: [Int32]

    public init(model: [Int32] = [], doi: [Int32] = []) {
        self.model = model
        self.doi = doi
    }

    /// `{char model<REMOTE_SECURITY_MODEL_MAX>; char doi<REMOTE_SECURITY_DOI_MAX>}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .array(\.model, max: RemoteLimits.securityModel), .array(\.doi, max: RemoteLimits.securityModel)
    )
}
