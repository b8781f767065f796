import ArrayFormats
import Foundation
import NDArray
import Tractography

// mrs-bench tracking DIR RUNS [SEED]
//
// Reads DIR/dwi.nii.gz, DIR/bvals, DIR/bvecs and DIR/seeds.npy ([3, n] world mm); times the WLS
// tensor fit, deterministic tracking and probabilistic tracking (tensor ODF on 724 sphere
// directions, generator seed SEED, default 1), all with 0.5 mm steps, 30°, FA 0.2 and at most
// 1000 mm per streamline (DIPY's maxlen 1000 steps per half is never reached either), on all
// cores, and prints "name value" lines (median seconds, streamline and point counts).
func runTrackingBench(_ args: [String]) throws {
    guard args.count >= 2, let runs = Int(args[1]), runs > 0 else {
        print("usage: mrs-bench tracking DIR RUNS [SEED]")
        exit(2)
    }
    let dir = args[0]
    let seed = args.count > 2 ? UInt64(args[2]) ?? 1 : 1
    let image = try NIfTI.read(dir + "/dwi.nii.gz")
    let gradients = try GradientTable.load(bvals: dir + "/bvals", bvecs: dir + "/bvecs")
    let seeds = try NPY.read(dir + "/seeds.npy")
    let model = try DTIModel(gradients: gradients)
    var fit = try model.fit(image.data)
    var options = TrackingOptions()
    options.maxLength = 1000
    let tracker = try Tracker(fit: fit, affine: image.affine, options: options)
    options.method = .probabilistic
    options.seed = seed
    let probabilistic = try Tracker(fit: fit, affine: image.affine, options: options)
    // Warm-up runs (also the results reported).
    var lines = try tracker.track(seeds: seeds)
    var plines = try probabilistic.track(seeds: seeds)
    var fitTimes: [Double] = [], trackTimes: [Double] = [], probTimes: [Double] = []
    for _ in 0..<runs {
        fitTimes.append(try seconds { fit = try model.fit(image.data) })
        trackTimes.append(try seconds { lines = try tracker.track(seeds: seeds) })
        probTimes.append(try seconds { plines = try probabilistic.track(seeds: seeds) })
    }
    try TRK.write(lines, affine: image.affine, dims: Array(image.data.shape[0..<3]), to: dir + "/mrs.trk")
    print("fit \(median(fitTimes))")
    print("track \(median(trackTimes))")
    print("streamlines \(lines.count)")
    print("points \(lines.points.count)")
    print("ptrack \(median(probTimes))")
    print("pstreamlines \(plines.count)")
    print("ppoints \(plines.points.count)")
}
