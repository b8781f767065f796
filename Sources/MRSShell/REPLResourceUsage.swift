import Foundation
import NDArray

/// What `:time` measures: wall-clock time, CPU time of all threads, and the process's peak
/// resident memory (getrusage; cheap enough to take around every timed input).
struct ResourceUsage {
    /// Monotonic nanoseconds.
    let wall: UInt64
    /// User plus system CPU seconds of the whole process.
    let cpu: Double
    /// Peak resident set size in bytes.
    let peakResident: Int

    static func now() -> ResourceUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return ResourceUsage(wall: DispatchTime.now().uptimeNanoseconds, cpu: cpu,
                             peakResident: Int(usage.ru_maxrss) * 1024)  // Linux reports KiB
    }

    /// `time: 12.3 ms wall, 24.1 ms CPU, peak memory +48.0 MiB`
    static func report(from before: ResourceUsage, to after: ResourceUsage) -> String {
        let wall = Double(after.wall &- before.wall) / 1e9
        var text = "time: \(duration(wall)) wall, \(duration(Swift.max(0, after.cpu - before.cpu))) CPU"
        let growth = after.peakResident - before.peakResident
        if growth > 0 { text += ", peak memory +\(formatBytes(growth))" }
        return text
    }

    /// `850 µs`, `12.3 ms`, `4.56 s`
    static func duration(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.0f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: seconds < 0.01 ? "%.2f ms" : "%.1f ms", seconds * 1e3) }
        return String(format: "%.2f s", seconds)
    }
}
