import NetCore

/// libvirt's `virDomainEventType` and the details Patchbay reports (same numbering).
public enum DomainLifecycleEvent {
    public static let defined: Int32 = 0, undefined: Int32 = 1, started: Int32 = 2, suspended: Int32 = 3
    public static let resumed: Int32 = 4, stopped: Int32 = 5, shutdown: Int32 = 6
    /// DEFINED_ADDED, DEFINED_UPDATED; UNDEFINED_REMOVED; STARTED_BOOTED; SUSPENDED_PAUSED; RESUMED_UNPAUSED.
    public static let definedAdded: Int32 = 0, definedUpdated: Int32 = 1, undefinedRemoved: Int32 = 0
    public static let startedBooted: Int32 = 0, suspendedPaused: Int32 = 0, resumedUnpaused: Int32 = 0
    /// STOPPED_SHUTDOWN, STOPPED_DESTROYED, STOPPED_CRASHED, STOPPED_FAILED.
    public static let stoppedShutdown: Int32 = 0, stoppedDestroyed: Int32 = 1, stoppedCrashed: Int32 = 2, stoppedFailed: Int32 = 5
    /// SHUTDOWN_FINISHED, SHUTDOWN_GUEST, SHUTDOWN_HOST.
    public static let shutdownFinished: Int32 = 0, shutdownGuest: Int32 = 1, shutdownHost: Int32 = 2
}

/// libvirt's state reasons (`virDomainRunningReason`, `virDomainPausedReason`, `virDomainShutoffReason`).
public enum DomainStateReason {
    public static let runningBooted: Int32 = 1, runningUnpaused: Int32 = 5
    public static let pausedUser: Int32 = 1
    public static let shutoffUnknown: Int32 = 0, shutoffShutdown: Int32 = 1, shutoffDestroyed: Int32 = 2
    public static let shutoffCrashed: Int32 = 3, shutoffFailed: Int32 = 6, shutoffDaemon: Int32 = 8
}
