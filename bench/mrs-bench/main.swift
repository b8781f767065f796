import Foundation
import Fourier
import NDArray
import ParallelImaging

// Benchmarks that need mrs's libraries directly rather than the language: the centred FFT next
// to the bare FFTW transform with the same plan and planning effort, and GRAPPA calibration and
// application on arrays handed over as raw column-major complex64 files (bench/grappa/run.py).
//
//     mrs-bench fft 256 256 32 [runs]
//     mrs-bench grappa DATA RO,E1,E2,CHA REF RO,E1,E2,CHA R1,R2 KERNEL OUT [runs]
//     mrs-bench nufft DIR TOL RUNS NX NY [NZ]      (bench/nufft/run.py prepares DIR)
//     mrs-bench tracking DIR RUNS [SEED]           (bench/tracking/run.py prepares DIR)
//     mrs-bench npz DIR RUNS [stored|compressed]  (bench/npz/run.py prepares DIR)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "grappa" {
    try grappaBench(Array(args.dropFirst()))
    exit(0)
}
if args.first == "tracking" {
    try runTrackingBench(Array(args.dropFirst()))
    exit(0)
}
if args.first == "npz" {
    try runNPZBench(Array(args.dropFirst()))
    exit(0)
}
if args.first == "nufft" {
    try runNUFFTBench(Array(args.dropFirst()))
    exit(0)
}
guard args.first == "fft", args.count >= 4, let nx = Int(args[1]), let ny = Int(args[2]), let nz = Int(args[3]) else {
    print("usage: mrs-bench fft NX NY NZ [runs] | mrs-bench nufft DIR TOL RUNS NX NY [NZ]")
    exit(2)
}
let runs = args.count > 4 ? Int(args[4]) ?? 21 : 21
var source = RandomSource(seed: 1)
let x = try NDArray.normal([nx, ny, nz], dtype: .complex64, source: &source)
let plan = try FFTPlan(shape: x.shape, axes: [0, 1], dtype: .complex64)
var out = try NDArray(zeros: x.shape, dtype: .complex64)
var bare = try NDArray(zeros: x.shape, dtype: .complex64)
// Warm up (plans, wisdom, caches).
try plan.execute(x, direction: .forward, into: &out)
try plan.executeBareFFTW(x, direction: .forward, into: &bare)
var centred: [Double] = [], plain: [Double] = []
for _ in 0..<runs {
    centred.append(try seconds { try plan.execute(x, direction: .forward, into: &out) })
    plain.append(try seconds { try plan.executeBareFFTW(x, direction: .forward, into: &bare) })
}
print("mrs centred orthonormal fft \(median(centred))")
print("bare fftw (same plan) \(median(plain))")
