import CHDF5
import Foundation

/// The bytes of an open HDF5 file, read beside the library for the checks that must look at
/// structures before HDF5 trusts them (`GlobalHeapCheck`, `ObjectHeaderCheck`).
///
/// Addresses inside an HDF5 file are relative to its base address (the end of the user block) and
/// are `sizeOfOffsets` bytes wide; lengths are `sizeOfLengths` bytes wide. Both come from the
/// file's creation properties, which HDF5 reads from the superblock without trusting anything else.
final class RawFile {
    let descriptor: Int32
    /// Where address 0 of the file's structures is (the user block's size).
    let base: UInt64
    let sizeOfOffsets: Int
    let sizeOfLengths: Int
    /// Opened for writing: HDF5 may still hold changed structures in its caches.
    let writable: Bool
    /// Half the entries of an old-style group's B-tree nodes and symbol-table nodes (HDF5's "K"s),
    /// which fix the size HDF5 reads for each node.
    let groupInternalK: Int
    let groupLeafK: Int

    private init(descriptor: Int32, base: UInt64, sizeOfOffsets: Int, sizeOfLengths: Int, writable: Bool,
                 groupInternalK: Int, groupLeafK: Int) {
        self.descriptor = descriptor
        self.base = base
        self.sizeOfOffsets = sizeOfOffsets
        self.sizeOfLengths = sizeOfLengths
        self.writable = writable
        self.groupInternalK = groupInternalK
        self.groupLeafK = groupLeafK
    }

    deinit { close(descriptor) }

    /// The file holding `object`, opened a second time for reading, or nil when HDF5 cannot say
    /// where it is or its address widths are not 2, 4 or 8 bytes (HDF5 lock held).
    static func open(holding object: hid_t) -> RawFile? {
        let file = H5Iget_file_id(object)
        guard file >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        defer { H5Fclose(file) }
        let fcpl = H5Fget_create_plist(file)
        guard fcpl >= 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        defer { H5Pclose(fcpl) }
        var sizeOfOffsets = 0, sizeOfLengths = 0
        var userBlock: hsize_t = 0
        var intent: UInt32 = 0
        var internalK: UInt32 = 0, leafK: UInt32 = 0
        guard H5Pget_sizes(fcpl, &sizeOfOffsets, &sizeOfLengths) >= 0, H5Pget_userblock(fcpl, &userBlock) >= 0,
              H5Fget_intent(file, &intent) >= 0, H5Pget_sym_k(fcpl, &internalK, &leafK) >= 0,
              [2, 4, 8].contains(sizeOfOffsets), [2, 4, 8].contains(sizeOfLengths) else {
            _ = HDF5Library.takeErrorStack()
            return nil
        }
        let writable = intent & mrs_h5f_acc_rdwr() != 0
        // Changed headers and rows may still be in HDF5's caches: put them on disk first.
        if writable, H5Fflush(file, H5F_SCOPE_LOCAL) < 0 { _ = HDF5Library.takeErrorStack() }
        let nameLength = H5Fget_name(file, nil, 0)
        guard nameLength > 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        var nameBytes = [CChar](repeating: 0, count: nameLength + 1)
        guard H5Fget_name(file, &nameBytes, nameBytes.count) > 0 else { _ = HDF5Library.takeErrorStack(); return nil }
        let descriptor = Foundation.open(nameBytes, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        return RawFile(descriptor: descriptor, base: UInt64(userBlock), sizeOfOffsets: sizeOfOffsets,
                       sizeOfLengths: sizeOfLengths, writable: writable,
                       groupInternalK: Int(internalK), groupLeafK: Int(leafK))
    }

    /// The file's current size in bytes (0 when it cannot be asked).
    var size: UInt64 {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? UInt64(info.st_size) : 0
    }

    /// `count` bytes at the absolute file position `position`, or nil when they are not all there.
    func read(_ count: Int, at position: UInt64) -> [UInt8]? {
        guard count >= 0, position <= UInt64(Int64.max) else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(position)) }
        return got == count ? bytes : nil
    }

    /// The little-endian unsigned number in `count` bytes of `bytes` from `at`.
    static func little(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in (0..<count).reversed() { value = value << 8 | UInt64(bytes[at + k]) }
        return value
    }
}
