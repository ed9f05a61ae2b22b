import NetCore
import NetXML

/// net-update of DNS host, TXT and SRV records (they can be added or deleted, never modified).
extension NetworkDefinition {
    mutating func updateDNSHost(_ context: inout NetworkUpdateContext) throws(PatchbayError) {
        if context.command == .modify {
            throw PatchbayError(.operationUnsupported, "DNS HOST records cannot be modified, only added or deleted")
        }
        try context.expectElement("host", network: name)
        let host = try DNSHost.parse(context.fragment, network: name, partial: !context.isAdd)
        // Adding checks only the address: several addresses may legitimately share a name.
        let matches = dns.hosts.indices.filter { index in
            let existing = dns.hosts[index]
            if host.ip != nil && host.ip == existing.ip { return true }
            return !context.isAdd && host.hostnames.contains(where: existing.hostnames.contains)
        }
        switch context.command {
        case .addFirst, .addLast:
            if !matches.isEmpty {
                throw PatchbayError(.operationInvalid, "there is already at least one DNS HOST record with a matching field in network \(name)")
            }
            context.insert(host, into: &dns.hosts)
        case .delete:
            try Self.removeSingle(matches, from: &dns.hosts,
                             none: "couldn't locate a matching DNS HOST record in network \(name)",
                             many: "multiple matching DNS HOST records were found in network \(name)")
        case .modify, .none:
            throw context.unknownCommand
        }
    }

    mutating func updateDNSSrv(_ context: inout NetworkUpdateContext) throws(PatchbayError) {
        if context.command == .modify {
            throw PatchbayError(.operationUnsupported, "DNS SRV records cannot be modified, only added or deleted")
        }
        try context.expectElement("srv", network: name)
        let srv = try DNSSrvRecord.parse(context.fragment, network: name, partial: !context.isAdd)
        // A record matches when every field the caller gave is equal.
        let matches = dns.srvRecords.indices.filter { index in
            let existing = dns.srvRecords[index]
            return (srv.domain == nil || srv.domain == existing.domain)
                && (srv.service == nil || srv.service == existing.service)
                && (srv.protocol == nil || srv.protocol == existing.protocol)
                && (srv.target == nil || srv.target == existing.target)
        }
        switch context.command {
        case .addFirst, .addLast:
            if !matches.isEmpty {
                throw PatchbayError(.operationInvalid, "there is already at least one DNS SRV record matching all specified fields in network \(name)")
            }
            context.insert(srv, into: &dns.srvRecords)
        case .delete:
            try Self.removeSingle(matches, from: &dns.srvRecords,
                             none: "couldn't locate a matching DNS SRV record in network \(name)",
                             many: "multiple DNS SRV records matching all specified fields were found in network \(name)")
        case .modify, .none:
            throw context.unknownCommand
        }
    }

    mutating func updateDNSTxt(_ context: inout NetworkUpdateContext) throws(PatchbayError) {
        if context.command == .modify {
            throw PatchbayError(.operationUnsupported, "DNS TXT records cannot be modified, only added or deleted")
        }
        try context.expectElement("txt", network: name)
        let txt = try DNSTxtRecord.parse(context.fragment, network: name, partial: !context.isAdd)
        let match = dns.txtRecords.firstIndex { $0.name == txt.name }
        switch context.command {
        case .addFirst, .addLast:
            if match != nil {
                throw PatchbayError(.operationInvalid, "there is already a DNS TXT record with name '\(txt.name)' in network \(name)")
            }
            context.insert(txt, into: &dns.txtRecords)
        case .delete:
            guard let match else {
                throw PatchbayError(.operationInvalid, "couldn't locate a matching DNS TXT record in network \(name)")
            }
            dns.txtRecords.remove(at: match)
        case .modify, .none:
            throw context.unknownCommand
        }
    }

    /// Removes the one matching record, refusing when there are none or several.
    private static func removeSingle<T>(_ matches: [Int], from list: inout [T], none: String, many: String) throws(PatchbayError) {
        guard let index = matches.first else { throw PatchbayError(.operationInvalid, none) }
        guard matches.count == 1 else { throw PatchbayError(.operationInvalid, many) }
        list.remove(at: index)
    }
}
