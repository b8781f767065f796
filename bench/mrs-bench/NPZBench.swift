import ArrayFormats
import Foundation
import NDArray

/// `mrs-bench npz DIR RUNS [stored|compressed]`: saves DIR/data.npy's array as DIR/mrs_stored.npz and
/// DIR/mrs_compressed.npz (NPZ.write, libzip) and reads each back (NPZ.read), best of RUNS;
/// prints "write_stored S", "read_stored S", "write_compressed S", "read_compressed S"
/// (bench/npz/run.py compares them with NumPy's savez, savez_compressed and load).
func runNPZBench(_ args: [String]) throws {
    guard args.count >= 2, let runs = Int(args[1]), runs > 0 else {
        print("usage: mrs-bench npz DIR RUNS [stored|compressed]")
        exit(2)
    }
    let dir = args[0]
    let x = try NPY.read(dir + "/data.npy")
    for (name, compressed) in [("stored", false), ("compressed", true)] where args.count < 3 || args[2] == name {
        let path = dir + "/mrs_\(name).npz"
        var write: [Double] = [], read: [Double] = []
        for _ in 0..<runs {
            write.append(try seconds { try NPZ.write([("x", x)], to: path, compressed: compressed) })
            read.append(try seconds {
                let back = try NPZ.read(path)
                guard back.first?.array.byteCount == x.byteCount else { throw ArrayError("bench", "read back the wrong size") }
            })
        }
        print("write_\(name) \(write.min()!)")
        print("read_\(name) \(read.min()!)")
    }
}
