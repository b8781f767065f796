import Fourier
import MRSLanguage
import NDArray

/// Centred, orthonormal FFTs through FFTW.
enum FourierBuiltins {
    static let family = "fft"

    static func transform(_ a: Args, inverse: Bool) throws -> Value {
        let x = try a.array("x")
        let options = FFTOptions(centered: try a.bool("centered"), orthonormal: try a.bool("ortho"))
        let axes = try a.axes("axes")
        return .array(inverse ? try ifft(x, axes: axes, options: options) : try fft(x, axes: axes, options: options))
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("fft(x, axes=none, centered=true, ortho=true)", family: family,
                     summary: "Forward FFT over the given axes (all when none): centred and orthonormal, like ISMRMRD, Gadgetron and `bart fft -u`.",
                     description: "Equal to NumPy's fftshift(fftn(ifftshift(x), norm=\"ortho\")) over the axes. axes may be numbers or dimension names (RO, E1, E2, CHA…); for coil data give them, or the coils get transformed too. centered=false drops the shifts; ortho=false gives an unscaled forward transform (and a 1/N inverse), as NumPy's default. Real input is promoted to complex64; complex128 stays double precision. Plans are made once per shape and reused; Ctrl-C stops long batches.",
                     example: "k = fft(img, axes=[0, 1])\nk = fft(buf.data, axes=[RO, E1])") { a in
            try transform(a, inverse: false)
        },
        BuiltinEntry("ifft(x, axes=none, centered=true, ortho=true)", family: family,
                     summary: "Inverse FFT over the given axes (all when none): centred and orthonormal, the usual k-space → image step.",
                     description: "The inverse of fft with the same options: ifft(fft(x, axes=a), axes=a) is x.",
                     example: "coil_imgs = ifft(buf.data, axes=[RO, E1])\nimg = rss(coil_imgs, axis=CHA)") { a in
            try transform(a, inverse: true)
        },
    ]
}
