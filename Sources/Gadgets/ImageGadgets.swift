import Foundation
import ISMRMRD
import NDArray

/// Real images from complex ones: magnitude, real part, imaginary part or phase.
enum ImageParts {
    static func part(_ data: NDArray, _ type: ISMRMRDImageType) throws -> NDArray {
        let out: NDArray
        switch type {
        case .magnitude, .complex: out = try data.unary(.abs)
        case .real: out = try data.unary(.real)
        case .imag: out = try data.unary(.imag)
        case .phase: out = try data.unary(.angle)
        }
        return try out.astype(.float32)
    }
}

/// ExtractGadget: from each complex image, the parts asked for (`extract_magnitude` on by
/// default, `extract_real`, `extract_imag`, `extract_phase`, or the older `extract_mask` bits
/// 1, 2, 4, 8), each a float image with image_type set and image_series_index moved on by 0,
/// 1000, 2000, 3000 so the parts land in separate series. Real images pass unchanged.
final class ExtractGadget: Gadget {
    let className = "ExtractGadget"
    private var parts: [(ISMRMRDImageType, Int)] = []

    init(_ p: GadgetProperties) throws {
        if let maskText = p.text("extract_mask") {
            guard let mask = Int(maskText) else { throw ArrayError(p.className, "property extract_mask = '\(maskText)' is not an integer") }
            let table: [(Int, ISMRMRDImageType, Int)] = [(1, .magnitude, 0), (2, .real, 1000), (4, .imag, 2000), (8, .phase, 3000)]
            parts = table.filter { mask & $0.0 != 0 }.map { ($0.1, $0.2) }
        } else {
            if try p.bool("extract_magnitude", true) { parts.append((.magnitude, 0)) }
            if try p.bool("extract_real", false) { parts.append((.real, 1000)) }
            if try p.bool("extract_imag", false) { parts.append((.imag, 2000)) }
            if try p.bool("extract_phase", false) { parts.append((.phase, 3000)) }
        }
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .image(let image) = message, image.data.dtype.isComplex else { return try out.put(message) }
        for (type, offset) in parts {
            var head = image.head
            head.image_type = type.rawValue
            head.image_series_index = UInt16(clamping: Int(head.image_series_index) + offset)
            head.data_type = ISMRMRDDataType.float.rawValue
            try out.put(.image(ISMRMRDImage(head: head, attributes: image.attributes, data: try ImageParts.part(image.data, type))))
        }
    }
}

/// ComplexToFloatGadget: complex images become float — the part their image_type names
/// (magnitude for complex), as Gadgetron's ComplexToFloat does after Extract-less chains.
final class ComplexToFloatGadget: Gadget {
    let className = "ComplexToFloatGadget"
    init(_ p: GadgetProperties) {}

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .image(var image) = message, image.data.dtype.isComplex else { return try out.put(message) }
        let type = ISMRMRDImageType(rawValue: image.head.image_type) ?? .magnitude
        image.data = try ImageParts.part(image.data, type)
        if type == .complex { image.head.image_type = ISMRMRDImageType.magnitude.rawValue }
        image.head.data_type = ISMRMRDDataType.float.rawValue
        try out.put(.image(image))
    }
}

/// AutoScaleGadget: scales magnitude images so the 99th percentile of the first image reaches
/// `max_value` (2048 by default); the same factor is used for every later image.
final class AutoScaleGadget: Gadget {
    let className = "AutoScaleGadget"
    private let maxValue: Double
    private var factor: Double?

    init(_ p: GadgetProperties) throws { maxValue = try p.double("max_value", 2048) }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .image(var image) = message, !image.data.dtype.isComplex,
              image.head.image_type == ISMRMRDImageType.magnitude.rawValue || image.head.image_type == 0 else {
            return try out.put(message)
        }
        if factor == nil {
            let p99 = try percentile99(image.data)
            factor = p99 > 0 ? maxValue / p99 : 1
        }
        image.data = try NDArray.binary(.mul, .array(image.data), .scalar(.float(factor ?? 1))).astype(image.data.dtype)
        try out.put(.image(image))
    }
}

/// FloatToUShortGadget: float images become unsigned 16-bit: value + `intensity_offset`,
/// rounded and clamped to [`min_intensity`, `max_intensity`]; phase images map −π…π onto
/// 0…max_intensity.
final class FloatToUShortGadget: Gadget {
    let className = "FloatToUShortGadget"
    private let maxIntensity: Double, minIntensity: Double, offset: Double

    init(_ p: GadgetProperties) throws {
        maxIntensity = Swift.min(try p.double("max_intensity", 4095), 65535)
        minIntensity = Swift.max(try p.double("min_intensity", 0), 0)
        offset = try p.double("intensity_offset", 0)
    }

    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws {
        guard case .image(var image) = message, !image.data.dtype.isComplex, image.data.dtype != .int64 else { return try out.put(message) }
        let phase = image.head.image_type == ISMRMRDImageType.phase.rawValue
        let values = try image.data.astype(.float64).toArray(Double.self).map { v -> Int in
            let x = phase ? (v + Double.pi) / (2 * Double.pi) * maxIntensity : v + offset
            guard x.isFinite else { return Int(minIntensity) }
            return Int(Swift.min(Swift.max(x.rounded(), minIntensity), maxIntensity))
        }
        image.data = try NDArray(values, shape: image.data.shape)
        image.head.data_type = ISMRMRDDataType.ushort.rawValue
        try out.put(.image(image))
    }
}

/// ImageFinishGadget: the end of Gadgetron's image chains, handing images to the writer; here a
/// pass-through that marks where the chain's images leave.
final class ImageFinishGadget: Gadget {
    let className = "ImageFinishGadget"
    init(_ p: GadgetProperties) {}
    func process(_ message: GadgetMessage, _ out: GadgetOutput) throws { try out.put(message) }
}
