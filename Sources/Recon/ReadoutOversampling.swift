import Fourier
import NDArray

/// Removes readout oversampling, with Gadgetron's RemoveROOversamplingGadget semantics: along
/// `axis` (RO, 0 by default) a centred orthonormal inverse FFT to the image, a crop of the central
/// `targetLength` samples starting at (n − targetLength) / 2 (default: half the length), and a
/// centred orthonormal forward FFT back to k-space.
///
/// Both transforms are orthonormal as Gadgetron's `ifft1c`/`fft1c`, so image values are kept (the
/// cropped image is exactly what the new k-space reconstructs to) and white noise keeps its
/// variance per sample; k-space amplitudes therefore shrink by √(target/n) (1/√2 for the usual
/// factor 2). Any other axes (CHA, E1, …) are carried along.
public func removeReadoutOversampling(_ data: NDArray, axis: Int = 0, targetLength: Int? = nil) throws -> NDArray {
    let op = "remove_oversampling"
    guard data.rank >= 1 else { throw ArrayError(op, "data must have a readout axis, got a 0-d array") }
    let a = try CoilLayout.resolveAxis(axis, shape: data.shape, operation: op, name: "readout axis")
    let n = data.shape[a]
    let target = targetLength ?? n / 2
    guard target >= 1 && target <= n else {
        throw ArrayError(op, "target length \(target) must be between 1 and the readout length \(n) (shape \(Shape.text(data.shape)))")
    }
    let image = try ifft(data, axes: [a])
    var index = [Index](repeating: .all, count: data.rank)
    let start = (n - target) / 2
    index[a] = .slice(start: start, stop: start + target, step: nil)
    return try fft(try image.get(index), axes: [a])
}
