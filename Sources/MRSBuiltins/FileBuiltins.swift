import ArrayFormats
import AtomicFiles
import Foundation
import MRSLanguage
import NDArray

/// Arrays in files, chosen by extension from ArrayFormats' table: NumPy .npy/.npz, BART
/// .cfl/.hdr, NIfTI .nii/.nii.gz; TrackVis .trk streamlines.
enum FileBuiltins {
    static let family = "files"

    /// The arrays of `value` as archive members: arrays and numbers as they are, absent fields
    /// (none) left out, nested records and handles (a buffer's headers) one member per field,
    /// named with dots (`sampling.encoded_matrix`, `headers.idx.slice`).
    static func archiveMembers(_ value: Value, name: String, into members: inout [(name: String, array: NDArray)]) throws {
        switch value {
        case .none:
            return
        case .record(let r):
            for (field, v) in r.fields { try archiveMembers(v, name: name + "." + field, into: &members) }
        case .handle(let h):
            for field in h.fieldNames {
                guard let v = try h.field(field) else { continue }
                try archiveMembers(v, name: name + "." + field, into: &members)
            }
        default:
            members.append((name, try Convert.toArray(value, what: "field '\(name)'")))
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("load(path, name=none)", family: family,
                     summary: "Load an array from .npy, .npz, .cfl/.hdr (BART) or .nii/.nii.gz (NIfTI); an .npz with several arrays gives a record of them.",
                     description: "NumPy files keep the shape NumPy shows (a C-order (a, b) file loads as [a, b]); BART files are complex64 with trailing singleton dimensions dropped; NIfTI gives the voxel array with scl_slope/scl_inter applied (nifti(path) also gives its affine). Give name= to pick one array of an .npz. Streamlines (.trk) are read with trk(path).",
                     example: "k = load(\"kspace.cfl\")\nparts = load(\"results.npz\"); parts.img") { a in
            let path = try a.string("path")
            if let name = try a.optionalString("name") {
                let all = try ArrayFile.loadAll(path)
                guard let hit = all.first(where: { $0.name == name }) else {
                    throw a.error("'\(path)' has no array named '\(name)' (it has: \(all.map(\.name).joined(separator: ", ")))")
                }
                return .array(hit.array)
            }
            if ArrayFile.format(of: path) == .npz {
                let all = try ArrayFile.loadAll(path)
                if all.count == 1 { return .array(all[0].array) }
                return .record(Record(all.map { ($0.name, Value.array($0.array)) }))
            }
            return .array(try ArrayFile.load(path))
        },
        BuiltinEntry("save(x, path, affine=none)", family: family,
                     summary: "Save an array to .npy, .cfl/.hdr (BART, as complex64), .npz (a record — a buffer too — saves one member per field, nested fields named with dots, absent ones left out) or .nii/.nii.gz (NIfTI, with affine=), or streamlines to .trk. Returns the path.",
                     description: "Written .npy files load in NumPy with the same shape and values mrs shows; .cfl files open in BART; NIfTI files in nibabel and FSL with the 4×4 voxel-to-world affine given (a nifti record saves with its own); .trk files in TrackVis, DIPY and nibabel with the same points in world space. The file is written beside its path and renamed into place when complete.",
                     example: "save(img, \"img.npy\")\nsave({img: img, csm: csm}, \"recon.npz\")\nsave(fit.fa, \"fa.nii.gz\", affine=dwi.affine)", effects: .writesFiles) { a in
            let path = try a.string("path")
            if case .handle(let s as StreamlinesHandle) = a["x"] {
                guard ArrayFile.format(of: path) == .trk else {
                    throw a.error("streamlines are saved to a .trk file, not '\(path)'", kind: .argument)
                }
                try TRK.write(s.streamlines, affine: s.affine, dims: s.dims, voxelSize: s.voxelSize, to: path)
                return .string(path)
            }
            if ArrayFile.format(of: path) == .nifti {
                var data: NDArray
                var affine: [[Double]]? = nil
                if case .record(let r) = a["x"], case .array(let d)? = r["data"] {
                    data = d
                    affine = try r["affine"].map { try TractographyBuiltins.affine($0, a, "x") }
                } else {
                    data = try a.array("x")
                }
                if !a.isNone("affine") { affine = try TractographyBuiltins.affine(a["affine"], a, "affine") }
                if data.dtype == .bool { data = try data.astype(.int64) }
                try NIfTI.write(data, affine: affine, to: path)
                return .string(path)
            }
            guard a.isNone("affine") else {
                throw a.error("affine= is for NIfTI files (.nii, .nii.gz), not '\(path)'", kind: .argument)
            }
            if case .record(let r) = a["x"] {
                guard ArrayFile.format(of: path) == .npz else {
                    throw a.error("a record can only be saved to an .npz file (one array per field)", kind: .argument)
                }
                var members: [(name: String, array: NDArray)] = []
                for (name, v) in r.fields { try archiveMembers(v, name: name, into: &members) }
                guard !members.isEmpty else { throw a.error("the record has no arrays to save", kind: .value) }
                try NPZ.write(members, to: path)
                return .string(path)
            }
            try ArrayFile.save(try a.array("x"), to: path)
            return .string(path)
        },
        BuiltinEntry("write_text(path, text)", family: family,
                     summary: "Write a string to a text file (replacing it only when complete); returns the path.",
                     example: "write_text(\"dwi.bval\", join(map(b -> str(b), bvals), \" \") + \"\\n\")", effects: .writesFiles) { a in
            let path = try a.string("path")
            do {
                try ReplacementFile.write(try a.string("text"), to: path)
            } catch let e as ReplacementError {
                throw a.error("cannot write '\(path)': \(e.problem)", kind: .io)
            }
            return .string(path)
        },
        BuiltinEntry("exists(path)", family: family, summary: "True if a file or directory exists at path.",
                     example: "if not exists(\"datasets/epi_r1.h5\") print(\"run the datasets script first\") end") { a in
            .bool(FileManager.default.fileExists(atPath: try a.string("path")))
        },
        BuiltinEntry("listdir(path=\".\")", family: family, summary: "The names in a directory, sorted.",
                     example: "listdir(\"datasets\")") { a in
            let path = try a.string("path")
            do {
                return .list(try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { .string($0) })
            } catch {
                throw a.error("cannot list '\(path)': no such directory", kind: .io)
            }
        },
    ]
}
