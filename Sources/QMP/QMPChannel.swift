import CLinuxUAPI
import Glibc
import HostOS
import NetCore

/// The socket, the reader thread and the table of commands waiting for their replies.
final class QMPChannel: @unchecked Sendable {
    private let descriptor: Int32
    private let events: QMPConnection.EventHandler?
    private let disconnected: (@Sendable () -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let sendLock = Lock()
    /// Bytes received and not yet split into lines (only the reader touches it once it runs).
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1
    private var waiting: Set<Int64> = []
    private var replies: [Int64: Result<JSONValue, QMPError>] = [:]
    private var open = true
    private var readerRunning = false
    private var descriptorClosed = false
    private var reader: pthread_t?

    init(descriptor: Int32, events: QMPConnection.EventHandler?, disconnected: (@Sendable () -> Void)?) {
        self.descriptor = descriptor
        self.events = events
        self.disconnected = disconnected
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    var isOpen: Bool { locked { open } }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Reads one line and parses it; `timeout` < 0 waits for ever.
    func readMessage(timeout: Double) throws(PatchbayError) -> JSONValue {
        let deadline = timeout < 0 ? Double.infinity : monotonicNow() + timeout
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
                return try JSONValue.parse(line)
            }
            let left = deadline - monotonicNow()
            guard left > 0 else { throw PatchbayError(.operationFailed, "no answer from the QEMU monitor", domain: .qemu) }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, left.isInfinite ? -1 : Int32(min(left, 3600) * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else {
                throw PatchbayError(.operationFailed, "QEMU monitor closed the connection", domain: .qemu)
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Starts the reader thread; false when no thread could be started.
    func startReader() -> Bool {
        locked { readerRunning = true }
        let started = HostThread { [self] in readLoop() }.start()
        if !started { locked { readerRunning = false } }
        return started
    }

    private func readLoop() {
        locked { reader = pthread_self() }
        while true {
            let message: JSONValue
            do { message = try readMessage(timeout: -1) } catch {
                // A closed socket ends the loop; an unparsable line is skipped (QEMU sends none).
                if error.code == .internalError { continue }
                break
            }
            guard let incoming = try? QMPIncoming(message) else { continue }
            switch incoming {
            case .event(let event): events?(event)
            case .reply(let id, let result):
                locked {
                    guard let id, waiting.contains(id) else { return }
                    replies[id] = result
                    pthread_cond_broadcast(condition)
                }
            case .greeting: continue
            }
        }
        locked {
            open = false
            readerRunning = false
            pthread_cond_broadcast(condition)
        }
        closeDescriptor()
        disconnected?()
    }

    func call(_ command: String, _ arguments: [String: JSONValue], descriptor passed: Int32?,
              timeout: Double) throws(PatchbayError) -> Result<JSONValue, QMPError> {
        let id: Int64? = locked {
            guard open, reader.map({ pthread_equal($0, pthread_self()) == 0 }) ?? true else { return nil }
            defer { nextID += 1 }
            waiting.insert(nextID)
            return nextID
        }
        guard let id else {
            guard isOpen else { throw PatchbayError(.operationFailed, "QEMU monitor is closed", domain: .qemu) }
            throw PatchbayError.internalError("a QMP event handler must not run QMP commands")
        }
        var message: [String: JSONValue] = ["execute": .string(command), "id": .integer(id)]
        if !arguments.isEmpty { message["arguments"] = .object(arguments) }
        do {
            try send(Array((JSONValue.object(message).description + "\n").utf8), descriptor: passed)
        } catch {
            locked { _ = waiting.remove(id) }
            throw error
        }
        let deadline = monotonicNow() + timeout
        return try locked { () -> Result<Result<JSONValue, QMPError>, PatchbayError> in
            defer {
                waiting.remove(id)
                replies[id] = nil
            }
            while true {
                if let reply = replies[id] { return .success(reply) }
                guard open else {
                    return .failure(PatchbayError(.operationFailed, "QEMU monitor closed before answering '\(command)'", domain: .qemu))
                }
                let left = deadline - monotonicNow()
                guard left > 0 else {
                    return .failure(PatchbayError(.operationFailed, "QEMU monitor did not answer '\(command)' within \(timeout) s", domain: .qemu))
                }
                var until = timespec()
                clock_gettime(CLOCK_MONOTONIC, &until)
                let nanoseconds = Int(until.tv_nsec) + Int(min(left, 3600) * 1e9)
                until.tv_sec += nanoseconds / 1_000_000_000
                until.tv_nsec = nanoseconds % 1_000_000_000
                pthread_cond_timedwait(condition, mutex, &until)
            }
        }.get()
    }

    private func send(_ bytes: [UInt8], descriptor passed: Int32?) throws(PatchbayError) {
        try sendLock.withLock { () throws(PatchbayError) in
            var offset = 0
            var attach = passed ?? -1
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    pb_send_with_fd(descriptor, $0.baseAddress, UInt($0.count), attach)
                }
                guard sent >= 0 else {
                    // QEMU exited (or closed the monitor): the same error as a reply that never comes.
                    if sent == -Int(EPIPE) || sent == -Int(ECONNRESET) {
                        throw PatchbayError(.operationFailed, "QEMU monitor closed the connection", domain: .qemu)
                    }
                    throw PatchbayError.system("Unable to write to the QEMU monitor", errno: Int32(-sent))
                }
                // The descriptor travels with the first bytes only.
                attach = -1
                offset += sent
            }
        }
    }

    /// Leaves the monitor: the reader sees the end and closes the socket.
    func shutdown() {
        let readerOwnsSocket = locked { () -> Bool in
            if open { Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }
            open = false
            pthread_cond_broadcast(condition)
            return readerRunning
        }
        if !readerOwnsSocket { closeDescriptor() }
    }

    private func closeDescriptor() {
        let close = locked { () -> Bool in
            defer { descriptorClosed = true }
            return !descriptorClosed
        }
        if close { Glibc.close(descriptor) }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }
}

func monotonicNow() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
