// swift-tools-version:6.0
// mrs — an MR scripting shell. Layers, bottom to top (dependencies point downward only):
//   C library targets → NDArray → MRI libraries → MRSLanguage → MRSBuiltins → MRSShell → mrs
import PackageDescription

/// A system-library target: Sources/<name>/module.modulemap + shim.h, flags from pkg-config.
func systemLibrary(_ name: String, pkgConfig: String, apt: [String]) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt(apt)])
}

/// Numeric libraries (array loops, FFT batches, coil maps, NUFFT spreading, GRAPPA solves) run
/// 20–100× slower unoptimised, which made the debug-built tests and lessons take minutes; they are
/// compiled with -O in every configuration (overflow and bounds checks stay on).
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "mrs",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mrs", targets: ["mrs"]),
    ],
    targets: [
        // C libraries
        systemLibrary("CFFTW", pkgConfig: "fftw3f", apt: ["libfftw3-dev"]),
        systemLibrary("CHDF5", pkgConfig: "hdf5", apt: ["libhdf5-dev"]),
        systemLibrary("CLAPACK", pkgConfig: "lapacke", apt: ["liblapacke-dev", "libopenblas-dev"]),
        systemLibrary("CPNG", pkgConfig: "libpng", apt: ["libpng-dev"]),
        systemLibrary("CEditLine", pkgConfig: "libedit", apt: ["libedit-dev"]),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: ["zlib1g-dev"]),
        systemLibrary("CZip", pkgConfig: "libzip", apt: ["libzip-dev"]),
        systemLibrary("CSixel", pkgConfig: "libsixel", apt: ["libsixel-dev"]),
        systemLibrary("CZMQ", pkgConfig: "libzmq", apt: ["libzmq3-dev"]),
        systemLibrary("CCrypto", pkgConfig: "libcrypto", apt: ["libssl-dev"]),
        systemLibrary("CXML2", pkgConfig: "libxml-2.0", apt: ["libxml2-dev"]),

        // Files replaced by rename, never lost (used by every writer).
        .target(name: "AtomicFiles", exclude: ["README.md"]),

        // Arrays
        .target(name: "NDArray", dependencies: ["CLAPACK"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "ArrayFormats", dependencies: ["NDArray", "CZlib", "CZip", "AtomicFiles"], exclude: ["README.md"]),

        // MRI libraries
        .target(name: "HDF5Kit", dependencies: ["CHDF5", "NDArray", "AtomicFiles"], exclude: ["README.md"]),
        .target(name: "ISMRMRD", dependencies: ["CXML2", "HDF5Kit", "NDArray"], exclude: ["README.md"]),
        .target(name: "Fourier", dependencies: ["CFFTW", "NDArray"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "Recon", dependencies: ["ISMRMRD", "Fourier", "NDArray"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "ParallelImaging", dependencies: ["NDArray", "Fourier"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "NonCartesian", dependencies: ["Fourier", "NDArray"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "Graphics", dependencies: ["CPNG", "NDArray", "AtomicFiles"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "Tractography", dependencies: ["NDArray", "ArrayFormats"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        // Pictures inside the terminal (kitty, iTerm2, sixel) and the Jupyter wire protocol.
        .target(name: "TerminalImages", dependencies: ["CSixel", "Graphics"], exclude: ["README.md"]),
        .target(name: "JupyterProtocol", dependencies: ["CZMQ", "CCrypto"], exclude: ["README.md"]),
        // Gadgetron's model: gadgets, chains, stream configurations, the built-in gadgets.
        .target(name: "Gadgets", dependencies: ["ISMRMRD", "Recon", "Fourier", "ParallelImaging", "NDArray"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),
        .target(name: "Simulation", dependencies: ["ISMRMRD", "Fourier", "NDArray"], exclude: ["README.md"],
                swiftSettings: optimizedEvenInDebug),

        // Outside tools (BART's command line, Python snippets) run on arrays through files.
        .target(name: "Spawning", exclude: ["README.md"]),
        .target(name: "Toolboxes", dependencies: ["NDArray", "ArrayFormats", "AtomicFiles", "Spawning"], exclude: ["README.md"]),

        // Batches of script runs: local processes N at a time, SLURM job arrays, summary tables.
        .target(name: "BatchJobs", dependencies: ["AtomicFiles", "NDArray", "Spawning"], exclude: ["README.md"]),

        // Language, built-ins, shell
        // The evaluator's hot paths touch class properties on every call; dynamic exclusivity
        // checks there cost more than the work (static checks still apply).
        .target(name: "MRSLanguage", dependencies: ["NDArray"], exclude: ["README.md"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "MRSBuiltins", dependencies: [
            "AtomicFiles", "MRSLanguage", "NDArray", "ArrayFormats", "ISMRMRD", "Fourier", "Recon", "ParallelImaging", "NonCartesian", "Tractography", "Graphics", "Simulation", "Toolboxes", "Gadgets", "BatchJobs",
        ], exclude: ["README.md"]),
        .target(name: "LineEditor", dependencies: ["CEditLine", "AtomicFiles"], exclude: ["README.md"]),
        .target(name: "MRSShell", dependencies: ["MRSBuiltins", "MRSLanguage", "LineEditor", "AtomicFiles", "NDArray", "Graphics", "TerminalImages", "JupyterProtocol", "BatchJobs"], exclude: ["README.md"]),
        .executableTarget(name: "mrs", dependencies: ["MRSShell"]),
        // Benchmarks that call the libraries directly (bench/README.md).
        .executableTarget(name: "mrs-bench", dependencies: ["Fourier", "NDArray", "ParallelImaging", "NonCartesian", "ArrayFormats", "Tractography"], path: "bench/mrs-bench"),

        // A seeded mutation fuzzer for the parser, the evaluator and the file readers (fuzz/README.md).
        .executableTarget(name: "mrs-fuzz", dependencies: ["MRSShell", "MRSBuiltins", "MRSLanguage", "ArrayFormats", "Graphics", "ISMRMRD", "NDArray"],
                          path: "fuzz/mrs-fuzz"),

        // Tests
        // Helpers shared by the test targets: temporary directories, peer programs, the NumPy
        // reference (Tests/PeerTestSupport/README.md). No product depends on it.
        .target(name: "PeerTestSupport", dependencies: ["NDArray"], path: "Tests/PeerTestSupport", exclude: ["README.md"]),
        .testTarget(name: "AtomicFilesTests", dependencies: ["AtomicFiles", "PeerTestSupport"]),
        .testTarget(name: "NDArrayTests", dependencies: ["NDArray"]),
        .testTarget(name: "ArrayFormatsTests", dependencies: ["ArrayFormats", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "HDF5KitTests", dependencies: ["HDF5Kit", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "ISMRMRDTests", dependencies: ["ISMRMRD", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "FourierTests", dependencies: ["Fourier", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "NonCartesianTests", dependencies: ["NonCartesian", "NDArray", "Fourier", "PeerTestSupport"]),
        .testTarget(name: "ReconTests", dependencies: ["Recon", "ISMRMRD", "Fourier", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "ParallelImagingTests", dependencies: ["ParallelImaging", "NDArray", "Fourier", "ArrayFormats", "PeerTestSupport"]),
        .testTarget(name: "GraphicsTests", dependencies: ["Graphics", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "TractographyTests", dependencies: ["Tractography", "ArrayFormats", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ISMRMRD", "Fourier", "NDArray", "Recon", "PeerTestSupport"]),
        .testTarget(name: "ToolboxesTests", dependencies: ["Toolboxes", "Fourier", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "GadgetsTests", dependencies: ["Gadgets", "ISMRMRD", "Recon", "Fourier", "ParallelImaging", "NDArray", "PeerTestSupport"]),
        .testTarget(name: "BatchJobsTests", dependencies: ["BatchJobs"]),
        .testTarget(name: "MRSLanguageTests", dependencies: ["MRSLanguage", "NDArray"]),
        .testTarget(name: "MRSBuiltinsTests", dependencies: ["MRSBuiltins", "MRSLanguage", "NDArray"]),
        .testTarget(name: "LineEditorTests", dependencies: ["LineEditor", "PeerTestSupport"]),
        .testTarget(name: "TerminalImagesTests", dependencies: ["TerminalImages", "Graphics"]),
        .testTarget(name: "JupyterProtocolTests", dependencies: ["JupyterProtocol"]),
        .testTarget(name: "MRSShellTests", dependencies: ["MRSShell", "MRSBuiltins", "MRSLanguage", "LineEditor", "NDArray", "PeerTestSupport", "BatchJobs"], exclude: ["pty", "jupyter", "slurm"]),
    ],
    swiftLanguageModes: [.v5]
)
