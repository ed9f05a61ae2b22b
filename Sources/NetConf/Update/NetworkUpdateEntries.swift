import NetCore
import NetXML

/// net-update of forward interfaces and portgroups.
extension NetworkDefinition {
    mutating func updateForwardInterface(_ context: inout NetworkUpdateContext) throws(PatchbayError) {
        try context.expectElement("interface", network: name)
        if context.command == .modify {
            throw PatchbayError(.operationUnsupported, "forward interface entries cannot be modified, only added or deleted")
        }
        guard let dev = context.fragment.attribute("dev") else {
            throw .xml("missing dev attribute in <interface> element")
        }
        let pool = forward?.pool ?? []
        let match = pool.firstIndex { $0.interfaceName == dev }
        switch context.command {
        case .addFirst, .addLast:
            // A pool is either network devices or PCI functions; a mix has no meaning (and would not
            // survive a save and reload), so refuse it instead of storing it.
            if pool.contains(where: { $0.interfaceName == nil }) {
                throw PatchbayError(.operationUnsupported, "network '\(name)' has a pool of PCI devices; an <interface dev='\(dev)'> cannot be added to it")
            }
            if match != nil {
                throw PatchbayError(.operationInvalid, "there is an existing interface entry in network '\(name)' that matches \"<interface dev='\(dev)'>\"")
            }
            // libvirt keeps the pool even on a network without <forward>; it then stays invisible.
            var updated = forward ?? NetworkForward(mode: .nat)
            context.insert(ForwardPoolEntry(.interface(dev)), into: &updated.pool)
            if forward != nil { forward = updated }
        case .delete:
            guard let match else {
                throw PatchbayError(.operationInvalid, "couldn't find an interface entry in network '\(name)' matching <interface dev='\(dev)'>")
            }
            if pool[match].connections > 0 {
                throw PatchbayError(.operationInvalid, "unable to delete interface '\(dev)' in network '\(name)'. It is currently being used by \(pool[match].connections) domains.")
            }
            forward?.pool.remove(at: match)
        case .modify, .none:
            throw context.unknownCommand
        }
    }

    mutating func updatePortgroup(_ context: inout NetworkUpdateContext) throws(PatchbayError) {
        try context.expectElement("portgroup", network: name)
        let group = try Portgroup.parse(context.fragment)
        let foundName = portgroups.firstIndex { $0.name == group.name }
        let foundDefault = portgroups.lastIndex { $0.isDefault }
        if foundName == nil && (context.command == .modify || context.command == .delete) {
            throw PatchbayError(.operationInvalid, "couldn't find a portgroup entry in network '\(name)' matching <portgroup name='\(group.name)'>")
        }
        if foundName != nil && context.isAdd {
            throw PatchbayError(.operationInvalid, "there is an existing portgroup entry in network '\(name)' that matches \"<portgroup name='\(group.name)'>\"")
        }
        if context.command != .delete, group.isDefault, let foundDefault, foundDefault != foundName {
            throw PatchbayError(.operationInvalid, "a different portgroup entry in network '\(name)' is already set as the default. Only one default is allowed.")
        }
        switch context.command {
        case .modify:
            if let foundName { portgroups[foundName] = group }
        case .addFirst, .addLast:
            context.insert(group, into: &portgroups)
        case .delete:
            if let foundName { portgroups.remove(at: foundName) }
        case .none:
            throw context.unknownCommand
        }
    }
}
