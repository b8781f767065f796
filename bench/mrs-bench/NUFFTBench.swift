import Foundation
import NDArray
import NonCartesian

// mrs-bench nufft [--threads T] [--voronoi] DIR TOL RUNS NX NY [NZ]
//
// Reads DIR/traj.bin (float64, [D, M], cycles per FOV), DIR/image.bin (complex64, column-major
// image) and DIR/samples.bin (complex64, [M]); times making the plan, type 2 (forward) and type 1
// (adjoint), unscaled like FINUFFT, on T threads (default all cores); writes DIR/mrs_y.bin and
// DIR/mrs_x.bin and prints "name seconds" lines (medians). `--voronoi` also times voronoiDensity
// on the 2-D trajectory.
func runNUFFTBench(_ arguments: [String]) throws {
    var args = arguments
    var threads: Int? = nil
    var voronoi = false
    while let first = args.first, first.hasPrefix("--") {
        args.removeFirst()
        if first == "--voronoi" { voronoi = true }
        if first == "--threads", let t = args.first.flatMap(Int.init) { threads = t; args.removeFirst() }
    }
    guard args.count >= 5, let tol = Double(args[1]), let runs = Int(args[2]) else {
        print("usage: mrs-bench nufft [--threads T] [--voronoi] DIR TOL RUNS NX NY [NZ]")
        exit(2)
    }
    let dir = URL(fileURLWithPath: args[0])
    let shape = args.dropFirst(3).compactMap { Int($0) }
    func load<T>(_ name: String, _ type: T.Type) throws -> [T] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return data.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
    }
    let coords = try load("traj.bin", Double.self)
    let m = coords.count / shape.count
    let traj = try NDArray(coords, shape: [shape.count, m])
    let image = try NDArray(try load("image.bin", Complex64.self), shape: shape)
    let samples = try NDArray(try load("samples.bin", Complex64.self), shape: [m])
    let options = NUFFTOptions(tolerance: tol, orthonormal: false, threads: threads)
    var plan = try NUFFTPlan(shape: shape, trajectory: traj, options: options)
    // Warm up: FFTW plans and wisdom, page faults of the first large allocations.
    var y = try plan.forward(image)
    var x = try plan.adjoint(samples)
    var planTimes: [Double] = [], forwardTimes: [Double] = [], adjointTimes: [Double] = []
    for _ in 0..<runs {
        planTimes.append(try seconds { plan = try NUFFTPlan(shape: shape, trajectory: traj, options: options) })
        forwardTimes.append(try seconds { y = try plan.forward(image) })
        adjointTimes.append(try seconds { x = try plan.adjoint(samples) })
    }
    try y.toArray(Complex64.self).withUnsafeBufferPointer { try Data(buffer: $0).write(to: dir.appendingPathComponent("mrs_y.bin")) }
    try x.toArray(Complex64.self).withUnsafeBufferPointer { try Data(buffer: $0).write(to: dir.appendingPathComponent("mrs_x.bin")) }
    if voronoi && shape.count == 2 {
        var times: [Double] = []
        for _ in 0..<3 { times.append(try seconds { _ = try voronoiDensity(trajectory: traj, shape: shape) }) }
        print("voronoi \(median(times))")
    }
    print("plan \(median(planTimes))")
    print("type2 \(median(forwardTimes))")
    print("type1 \(median(adjointTimes))")
    print("width \(plan.kernelWidth)")
    print("grid \(plan.gridShape.map(String.init).joined(separator: "x"))")
}
