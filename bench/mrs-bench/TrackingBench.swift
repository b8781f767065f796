import ArrayFormats
import Foundation
import NDArray
import Tractography

// mrs-bench tracking DIR RUNS
//
// Reads DIR/dwi.nii.gz, DIR/bvals, DIR/bvecs and DIR/seeds.npy ([3, n] world mm); times the WLS
// tensor fit and deterministic tracking (0.5 mm, 30°, FA 0.2) on all cores and prints
// "name value" lines (median seconds, streamline and point counts).
func runTrackingBench(_ args: [String]) throws {
    guard args.count >= 2, let runs = Int(args[1]) else {
        print("usage: mrs-bench tracking DIR RUNS")
        exit(2)
    }
    let dir = args[0]
    let image = try NIfTI.read(dir + "/dwi.nii.gz")
    let gradients = try GradientTable.load(bvals: dir + "/bvals", bvecs: dir + "/bvecs")
    let seeds = try NPY.read(dir + "/seeds.npy")
    let model = try DTIModel(gradients: gradients)
    var fit = try model.fit(image.data)
    let tracker = try Tracker(fit: fit, affine: image.affine)
    var lines = try tracker.track(seeds: seeds)
    var fitTimes: [Double] = [], trackTimes: [Double] = []
    for _ in 0..<runs {
        fitTimes.append(try seconds { fit = try model.fit(image.data) })
        trackTimes.append(try seconds { lines = try tracker.track(seeds: seeds) })
    }
    try TRK.write(lines, affine: image.affine, dims: Array(image.data.shape[0..<3]), to: dir + "/mrs.trk")
    print("fit \(median(fitTimes))")
    print("track \(median(trackTimes))")
    print("streamlines \(lines.count)")
    print("points \(lines.points.count)")
}
