import MRSLanguage
import NDArray
import Recon

/// Image-quality scores against a reference: NRMSE, PSNR, SSIM (scikit-image's definitions).
enum MetricBuiltins {
    static let family = "metrics"

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("nrmse(x, ref, mask=none)", family: family,
                     summary: "Normalised root-mean-square error ‖|x| − |ref|‖ / ‖|ref|‖ of magnitude images (scikit-image's normalized_root_mse, euclidean), over the pixels where mask is true.",
                     example: "img = abs(randn([32, 32]))\nnrmse(img * 1.1, img)     # 0.1") { a in
            .float(try ImageQuality.nrmse(try a.array("x"), try a.array("ref"), mask: try a.optionalArray("mask")))
        },
        BuiltinEntry("psnr(x, ref, data_range=none, mask=none)", family: family,
                     summary: "Peak signal-to-noise ratio 10·log10(range² / MSE) in dB of magnitude images; range defaults to max − min of |ref| (scikit-image's peak_signal_noise_ratio with data_range=).",
                     example: "img = abs(randn([32, 32]))\npsnr(img + 0.01, img)") { a in
            .float(try ImageQuality.psnr(try a.array("x"), try a.array("ref"), dataRange: try a.optionalDouble("data_range"), mask: try a.optionalArray("mask")))
        },
        BuiltinEntry("ssim(x, ref, data_range=none, mask=none)", family: family,
                     summary: "Mean structural similarity of 2-D magnitude images, scikit-image's structural_similarity with its defaults (7 × 7 uniform window, K1 0.01, K2 0.03, sample covariance); data_range defaults to max − min of |ref|.",
                     description: "The mean is over pixels at least 3 from the edge, as scikit-image crops; with mask= over those of them where the mask is true. Dimensions of size 1 are ignored; a stack of 2-D images gives the mean over its slices (scikit-image would use an N-D window).",
                     example: "img = abs(randn([32, 32]))\nssim(img, img)     # 1.0") { a in
            .float(try ImageQuality.ssim(try a.array("x"), try a.array("ref"), dataRange: try a.optionalDouble("data_range"), mask: try a.optionalArray("mask")))
        },
    ]
}
