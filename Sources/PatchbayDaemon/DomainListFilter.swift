import GuestDriver

/// `virConnectListAllDomainsFlags`: groups of bits; within a group a domain must match one set
/// bit, and a group with no bit set does not filter.
struct DomainListFilter: OptionSet {
    let rawValue: UInt32

    static let active = DomainListFilter(rawValue: 1 << 0)
    static let inactive = DomainListFilter(rawValue: 1 << 1)
    static let persistent = DomainListFilter(rawValue: 1 << 2)
    static let transient = DomainListFilter(rawValue: 1 << 3)
    static let running = DomainListFilter(rawValue: 1 << 4)
    static let paused = DomainListFilter(rawValue: 1 << 5)
    static let shutOff = DomainListFilter(rawValue: 1 << 6)
    static let other = DomainListFilter(rawValue: 1 << 7)
    static let managedSave = DomainListFilter(rawValue: 1 << 8)
    static let noManagedSave = DomainListFilter(rawValue: 1 << 9)
    static let autostart = DomainListFilter(rawValue: 1 << 10)
    static let noAutostart = DomainListFilter(rawValue: 1 << 11)
    static let hasSnapshot = DomainListFilter(rawValue: 1 << 12)
    static let noSnapshot = DomainListFilter(rawValue: 1 << 13)
    static let hasCheckpoint = DomainListFilter(rawValue: 1 << 14)
    static let noCheckpoint = DomainListFilter(rawValue: 1 << 15)

    /// Every flag libvirt 9.0 defines.
    static let known: UInt32 = 0xffff

    /// Whether a domain passes every group.
    func matches(_ domain: DomainSummary) -> Bool {
        let state: DomainListFilter = switch domain.state {
        case .running: .running
        case .paused: .paused
        case .shutOff: .shutOff
        default: .other
        }
        // Patchbay keeps no managed-save images, snapshots or checkpoints.
        return group([.active, .inactive], has: domain.isActive ? .active : .inactive)
            && group([.persistent, .transient], has: domain.isPersistent ? .persistent : .transient)
            && group([.running, .paused, .shutOff, .other], has: state)
            && group([.managedSave, .noManagedSave], has: .noManagedSave)
            && group([.autostart, .noAutostart], has: domain.autostart ? .autostart : .noAutostart)
            && group([.hasSnapshot, .noSnapshot], has: .noSnapshot)
            && group([.hasCheckpoint, .noCheckpoint], has: .noCheckpoint)
    }

    private func group(_ members: DomainListFilter, has property: DomainListFilter) -> Bool {
        let asked = intersection(members)
        return asked.isEmpty || asked.contains(property)
    }
}
