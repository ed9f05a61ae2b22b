import NetCore
import NetXML

/// `<on_poweroff>`, `<on_reboot>`, `<on_crash>`: what happens when the guest stops that way.
public struct DomainLifecycleActions: Hashable, Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case destroy, restart, preserve
        case renameRestart = "rename-restart"
        case coredumpDestroy = "coredump-destroy"
        case coredumpRestart = "coredump-restart"
    }

    /// libvirt's defaults: destroy, restart, destroy.
    public var onPoweroff: Action = .destroy
    public var onReboot: Action = .restart
    public var onCrash: Action = .destroy

    public init() {}

    init(domain: XMLElement) throws(PatchbayError) {
        func action(_ name: String, allowed: Set<Action>) throws(PatchbayError) -> Action? {
            guard let text = domain.element(name)?.text.trimmingWhitespace else { return nil }
            guard let value = Action(rawValue: text), allowed.contains(value) else {
                throw PatchbayError(.configUnsupported, "unknown \(name) action: \(text)", domain: .domain)
            }
            return value
        }
        let basic: Set<Action> = [.destroy, .restart, .preserve, .renameRestart]
        if let value = try action("on_poweroff", allowed: basic) { onPoweroff = value }
        if let value = try action("on_reboot", allowed: basic) { onReboot = value }
        if let value = try action("on_crash", allowed: Set(Action.allCases)) { onCrash = value }
    }

    var xml: [XMLElement] {
        [XMLElement("on_poweroff", children: [.text(onPoweroff.rawValue)]),
         XMLElement("on_reboot", children: [.text(onReboot.rawValue)]),
         XMLElement("on_crash", children: [.text(onCrash.rawValue)])]
    }
}

/// `<clock>`: the guest's time base and timers. The offset is typed; timers are kept as written.
public struct DomainClock: Hashable, Sendable {
    /// `offset=`: utc (default), localtime, timezone, variable, absolute.
    public var offset: String
    /// The element as written (attributes beyond `offset`, `<timer>` children).
    public var element: XMLElement

    init(domain: XMLElement) throws(PatchbayError) {
        let written = domain.element("clock")
        offset = written?.attribute("offset") ?? "utc"
        guard ["utc", "localtime", "timezone", "variable", "absolute"].contains(offset) else {
            throw PatchbayError(.xmlError, "Invalid value for attribute 'offset' in element 'clock': '\(offset)'.", domain: .domain)
        }
        var element = written?.withoutBlankText ?? XMLElement("clock")
        if written?.attribute("offset") == nil { element.attributes.insert((name: "offset", value: "utc"), at: 0) }
        self.element = element
    }

    /// The `<timer>` children.
    public var timers: [XMLElement] { element.elements("timer") }
}
