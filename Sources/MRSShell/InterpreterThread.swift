import Foundation

/// Starts the thread that runs mrs code, with a stack as large as the values it may have to free.
///
/// The interpreter recurses on the native stack, and so does Swift when it frees a value: a list
/// nested ten million deep (`x = [x]` in a loop) is built on the heap without recursion, but
/// freeing it releases each level inside the one before, about 100 bytes of stack a level, which
/// overflowed the 512 MiB stack mrs used to have. Such a list takes about 70 bytes of heap a level,
/// so a stack of twice the physical memory can free any list that fits in memory. The stack is
/// reserved with `MAP_NORESERVE`: it costs address space, not memory, until pages are touched.
/// When the reservation is refused (a strict overcommit policy), a 512 MiB stack is used instead.
public enum InterpreterThread {
    /// The stack size asked for: twice the physical memory, at least 512 MiB, at most 1 TiB.
    static var preferredStackSize: Int {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        return Swift.min(Swift.max(physical.multipliedReportingOverflow(by: 2).partialValue, 512 << 20), 1 << 40)
    }

    /// Runs `body` on a new thread with the large stack; the caller's thread keeps running.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        if startWithReservedStack(body) { return }
        let thread = Thread(block: body)
        thread.stackSize = 512 << 20
        thread.start()
    }

    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private static func startWithReservedStack(_ body: @escaping @Sendable () -> Void) -> Bool {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = preferredStackSize / page * page
        // One page below the stack stays inaccessible, so an overflow still faults cleanly.
        let total = size + page
        guard let base = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0),
              base != MAP_FAILED else { return false }
        guard mprotect(base, page, PROT_NONE) == 0 else {
            munmap(base, total)
            return false
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstack(&attributes, base + page, size) == 0 else {
            munmap(base, total)
            return false
        }
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { argument in
            let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
            work.body()
            return nil
        }, work)
        guard started == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            munmap(base, total)
            return false
        }
        // The thread runs until the process exits (mrs's command thread, the fuzzer's worker).
        pthread_detach(thread)
        return true
    }
}
