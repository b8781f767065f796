import Foundation
import NDArray
import ParallelImaging

/// `grappa DATA shape REF shape R kernel OUT [runs]`: times calibration (a fresh kernel each run)
/// and application (on a kernel that has already seen the data's patterns, and on a fresh one),
/// prints medians, operation counts and GFLOP/s, and writes the filled k-space to OUT.
func grappaBench(_ a: [String]) throws {
    func ints(_ s: String) -> [Int] { s.split(separator: ",").compactMap { Int($0) } }
    guard a.count >= 7 else {
        print("usage: mrs-bench grappa DATA RO,E1,E2,CHA REF RO,E1,E2,CHA R1,R2 KERNEL OUT [runs]")
        exit(2)
    }
    func load(_ path: String, _ shape: [Int]) throws -> NDArray {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Complex64.self)) }
        return try NDArray(values, shape: shape)
    }
    let data = try load(a[0], ints(a[1])), ref = try load(a[2], ints(a[3]))
    let accel = ints(a[4]), options = GRAPPAOptions(kernel: ints(a[5]))
    let runs = a.count > 7 ? Int(a[7]) ?? 5 : 5
    let mask = try SamplingMask.infer(from: data)
    var calibrate: [Double] = [], applyWarm: [Double] = [], total: [Double] = []
    var kernel = try GRAPPAKernel.calibrate(reference: ref, options: options, acceleration: accel)
    var out = try kernel.apply(data, mask: mask)
    var calibrationFlops = 0.0, firstApplyFlops = 0.0
    for _ in 0..<runs {
        var k: GRAPPAKernel? = nil
        calibrate.append(try seconds { k = try GRAPPAKernel.calibrate(reference: ref, options: options, acceleration: accel) })
        guard let fresh = k else { continue }
        calibrationFlops = fresh.floatingPointOperations
        // Calibration plus first application (which solves the data's irregular patterns).
        let t = try seconds { out = try fresh.apply(data, mask: mask) }
        total.append(calibrate.last! + t)
        firstApplyFlops = fresh.floatingPointOperations - calibrationFlops
        kernel = fresh
    }
    let before = kernel.floatingPointOperations
    for _ in 0..<runs { applyWarm.append(try seconds { out = try kernel.apply(data, mask: mask) }) }
    let applyFlops = (kernel.floatingPointOperations - before) / Double(runs)
    let allFlops = calibrationFlops + firstApplyFlops
    print("kernel \(kernel)")
    print("calibrate \(median(calibrate)) s  \(calibrationFlops / 1e9) GFLOP  \(calibrationFlops / median(calibrate) / 1e9) GFLOP/s")
    print("apply (patterns cached) \(median(applyWarm)) s  \(applyFlops / 1e9) GFLOP  \(applyFlops / median(applyWarm) / 1e9) GFLOP/s")
    print("total (calibrate + first apply) \(median(total)) s  \(allFlops / 1e9) GFLOP  \(allFlops / median(total) / 1e9) GFLOP/s")
    let values = out.toArray(Complex64.self)
    try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: a[6]))
}
