import ArrayFormats
import Foundation
import MRSLanguage
import NDArray

/// Arrays in files: NumPy .npy/.npz and BART .cfl/.hdr, chosen by extension.
enum FileBuiltins {
    static let family = "files"

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("load(path, name=none)", family: family,
                     summary: "Load an array from .npy, .npz or .cfl/.hdr (BART); an .npz with several arrays gives a record of them.",
                     description: "NumPy files keep the shape NumPy shows (a C-order (a, b) file loads as [a, b]); BART files are complex64 with trailing singleton dimensions dropped. Give name= to pick one array of an .npz.",
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
        BuiltinEntry("save(x, path)", family: family,
                     summary: "Save an array to .npy, .cfl/.hdr (BART, as complex64) or .npz (a record saves one member per field). Returns the path.",
                     description: "Written .npy files load in NumPy with the same shape and values mrs shows; .cfl files open in BART.",
                     example: "save(img, \"img.npy\")\nsave({img: img, csm: csm}, \"recon.npz\")") { a in
            let path = try a.string("path")
            if case .record(let r) = a["x"] {
                guard ArrayFile.format(of: path) == .npz else {
                    throw a.error("a record can only be saved to an .npz file (one array per field)", kind: .argument)
                }
                let members = try r.fields.map { (name, v) -> (name: String, array: NDArray) in
                    (name, try Convert.toArray(v, what: "field '\(name)'"))
                }
                try NPZ.write(members, to: path)
                return .string(path)
            }
            try ArrayFile.save(try a.array("x"), to: path)
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
