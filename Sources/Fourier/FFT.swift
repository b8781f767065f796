import NDArray

/// Forward Fourier transform of `x` over `axes` (all when nil), centred and orthonormal by default:
/// NumPy's `fftshift(fftn(ifftshift(x, axes), axes=axes, norm="ortho"), axes)`. Real and integer
/// input becomes complex64; float64 and complex128 input is transformed in double precision.
public func fft(_ x: NDArray, axes: [Int]? = nil, options: FFTOptions = .standard) throws -> NDArray {
    try FFTPlan(shape: x.shape, axes: axes, dtype: FFTPlan.transformType(for: x.dtype), options: options,
                operation: "fft").forward(x)
}

/// Inverse Fourier transform of `x` over `axes` (all when nil), centred and orthonormal by default:
/// NumPy's `fftshift(ifftn(ifftshift(x, axes), axes=axes, norm="ortho"), axes)`.
public func ifft(_ x: NDArray, axes: [Int]? = nil, options: FFTOptions = .standard) throws -> NDArray {
    try FFTPlan(shape: x.shape, axes: axes, dtype: FFTPlan.transformType(for: x.dtype), options: options,
                operation: "ifft").inverse(x)
}
