import NetConf
import NetCore

/// Merges the `<virtualport>` of an interface/port, its portgroup and its network (seed 002: the
/// three are OR'ed). A parameter given twice with different values is an error naming both.
public enum VirtualPortMerge {
    /// The merged profile, or nil when none of the three has one.
    public static func merge(_ profiles: [VirtualPort?]) throws(PatchbayError) -> VirtualPort? {
        let present = profiles.compactMap { $0 }
        guard var result = present.first else { return nil }
        for other in present.dropFirst() {
            result.kind = try pick(result.kind, other.kind, "type") { $0.rawValue }
            result.managerID = try pick(result.managerID, other.managerID, "managerid") { String($0) }
            result.typeID = try pick(result.typeID, other.typeID, "typeid") { String($0) }
            result.typeIDVersion = try pick(result.typeIDVersion, other.typeIDVersion, "typeidversion") { String($0) }
            result.instanceID = try pick(result.instanceID, other.instanceID, "instanceid") { $0.description }
            result.interfaceID = try pick(result.interfaceID, other.interfaceID, "interfaceid") { $0.description }
            result.profileID = try pick(result.profileID, other.profileID, "profileid") { $0 }
        }
        // Re-validate: the merged set must still suit its type.
        return try VirtualPort(kind: result.kind, managerID: result.managerID, typeID: result.typeID,
                               typeIDVersion: result.typeIDVersion, instanceID: result.instanceID,
                               interfaceID: result.interfaceID, profileID: result.profileID)
    }

    private static func pick<T: Equatable>(_ mine: T?, _ theirs: T?, _ name: String, _ text: (T) -> String) throws(PatchbayError) -> T? {
        guard let mine else { return theirs }
        guard let theirs, theirs != mine else { return mine }
        throw .xml("attempt to merge virtualports with mismatched \(name): '\(text(mine))' and '\(text(theirs))'")
    }
}
