/// What the ISMRMRD XML schema (ismrmrd.xsd, version 2 with the later additions: diffusion,
/// multiband, user_0…7 limits) says about each element: its value type and whether it may repeat.
/// Written from reading the XSD; it is what makes `encoding` a list even when a file has one, and
/// `matrixSize.x` an int while `fieldOfView_mm.x` is a double.
enum ISMRMRDSchema {
    /// The kind of value an element holds.
    enum Kind: Equatable {
        /// An integer XSD type (long, unsignedShort, unsignedInt, unsignedLong) and its range.
        case integer(ClosedRange<Int>)
        /// xs:float or xs:double.
        case decimal
        /// Strings, dates, times, enumerations and base64 stay text.
        case text
        /// A complex type, named as in the XSD.
        case record(String)
    }

    /// One element a complex type may contain.
    struct Element {
        let name: String
        let kind: Kind
        /// maxOccurs > 1: always a list.
        let repeated: Bool
    }

    static let rootElement = "ismrmrdHeader"
    static let namespace = "http://www.ismrm.org/ISMRMRD"

    static let long = Kind.integer(Int.min...Int.max)
    static let unsignedShort = Kind.integer(0...Int(UInt16.max))
    static let unsignedInt = Kind.integer(0...Int(UInt32.max))
    static let unsignedLong = Kind.integer(0...Int.max)

    private static func one(_ name: String, _ kind: Kind) -> Element { Element(name: name, kind: kind, repeated: false) }
    private static func many(_ name: String, _ kind: Kind) -> Element { Element(name: name, kind: kind, repeated: true) }
    private static func xyz(_ kind: Kind) -> [Element] { [one("x", kind), one("y", kind), one("z", kind)] }

    /// The elements of each complex type, in schema order.
    static let types: [String: [Element]] = [
        "ismrmrdHeader": [
            one("version", long),
            one("subjectInformation", .record("subjectInformationType")),
            one("studyInformation", .record("studyInformationType")),
            one("measurementInformation", .record("measurementInformationType")),
            one("acquisitionSystemInformation", .record("acquisitionSystemInformationType")),
            one("experimentalConditions", .record("experimentalConditionsType")),
            many("encoding", .record("encodingType")),
            one("sequenceParameters", .record("sequenceParametersType")),
            one("userParameters", .record("userParametersType")),
            many("waveformInformation", .record("waveformInformationType")),
        ],
        "subjectInformationType": [
            one("patientName", .text), one("patientWeight_kg", .decimal), one("patientHeight_m", .decimal),
            one("patientID", .text), one("patientBirthdate", .text), one("patientGender", .text),
        ],
        "studyInformationType": [
            one("studyDate", .text), one("studyTime", .text), one("studyID", .text), one("accessionNumber", long),
            one("referringPhysicianName", .text), one("studyDescription", .text), one("studyInstanceUID", .text),
            one("bodyPartExamined", .text),
        ],
        "measurementInformationType": [
            one("measurementID", .text), one("seriesDate", .text), one("seriesTime", .text),
            one("patientPosition", .text), one("relativeTablePosition", .record("threeDimensionalFloat")),
            one("initialSeriesNumber", long), one("protocolName", .text), one("sequenceName", .text),
            one("seriesDescription", .text), many("measurementDependency", .record("measurementDependencyType")),
            one("seriesInstanceUIDRoot", .text), one("frameOfReferenceUID", .text),
            one("referencedImageSequence", .record("referencedImageSequenceType")),
        ],
        "measurementDependencyType": [one("dependencyType", .text), one("measurementID", .text)],
        "coilLabelType": [one("coilNumber", unsignedShort), one("coilName", .text)],
        "acquisitionSystemInformationType": [
            one("systemVendor", .text), one("systemModel", .text), one("systemFieldStrength_T", .decimal),
            one("relativeReceiverNoiseBandwidth", .decimal), one("receiverChannels", unsignedShort),
            many("coilLabel", .record("coilLabelType")), one("institutionName", .text), one("stationName", .text),
            one("deviceID", .text), one("deviceSerialNumber", .text),
        ],
        "experimentalConditionsType": [one("H1resonanceFrequency_Hz", long)],
        "encodingType": [
            one("encodedSpace", .record("encodingSpaceType")), one("reconSpace", .record("encodingSpaceType")),
            one("encodingLimits", .record("encodingLimitsType")), one("trajectory", .text),
            one("trajectoryDescription", .record("trajectoryDescriptionType")),
            one("parallelImaging", .record("parallelImagingType")), one("echoTrainLength", long),
        ],
        "encodingSpaceType": [one("matrixSize", .record("matrixSizeType")), one("fieldOfView_mm", .record("fieldOfView_mm"))],
        "matrixSizeType": xyz(unsignedShort),
        "fieldOfView_mm": xyz(.decimal),
        "threeDimensionalFloat": xyz(.decimal),
        "limitType": [one("minimum", unsignedShort), one("maximum", unsignedShort), one("center", unsignedShort)],
        "encodingLimitsType": ["kspace_encoding_step_0", "kspace_encoding_step_1", "kspace_encoding_step_2",
                               "average", "slice", "contrast", "phase", "repetition", "set", "segment",
                               "user_0", "user_1", "user_2", "user_3", "user_4", "user_5", "user_6", "user_7"]
            .map { one($0, .record("limitType")) },
        "trajectoryDescriptionType": [
            one("identifier", .text), many("userParameterLong", .record("userParameterLongType")),
            many("userParameterDouble", .record("userParameterDoubleType")),
            many("userParameterString", .record("userParameterStringType")), one("comment", .text),
        ],
        "sequenceParametersType": [
            many("TR", .decimal), many("TE", .decimal), many("TI", .decimal), many("flipAngle_deg", .decimal),
            one("sequence_type", .text), many("echo_spacing", .decimal), one("diffusionDimension", .text),
            many("diffusion", .record("diffusionType")), one("diffusionScheme", .text),
        ],
        "diffusionType": [one("gradientDirection", .record("gradientDirectionType")), one("bvalue", .decimal)],
        "gradientDirectionType": [one("rl", .decimal), one("ap", .decimal), one("fh", .decimal)],
        "userParameterLongType": [one("name", .text), one("value", long)],
        "userParameterDoubleType": [one("name", .text), one("value", .decimal)],
        "userParameterStringType": [one("name", .text), one("value", .text)],
        "userParameterBase64Type": [one("name", .text), one("value", .text)],
        "referencedImageSequenceType": [many("referencedSOPInstanceUID", .text)],
        "userParametersType": [
            many("userParameterLong", .record("userParameterLongType")),
            many("userParameterDouble", .record("userParameterDoubleType")),
            many("userParameterString", .record("userParameterStringType")),
            many("userParameterBase64", .record("userParameterBase64Type")),
        ],
        "multibandType": [
            many("spacing", .record("multibandSpacingType")), one("deltaKz", .decimal),
            one("multiband_factor", unsignedInt), one("calibration", .text), one("calibration_encoding", unsignedLong),
        ],
        "multibandSpacingType": [many("dZ", .decimal)],
        "accelerationFactorType": [one("kspace_encoding_step_1", unsignedShort), one("kspace_encoding_step_2", unsignedShort)],
        "parallelImagingType": [
            one("accelerationFactor", .record("accelerationFactorType")), one("calibrationMode", .text),
            one("interleavingDimension", .text), one("multiband", .record("multibandType")),
        ],
        "waveformInformationType": [
            one("waveformName", .text), one("waveformType", .text), one("userParameters", .record("userParametersType")),
        ],
    ]

    /// The schema's description of child `name` of complex type `type` (nil when unknown).
    /// Fields ordered as the schema's sequence lists their elements (XSD sequences are ordered, so
    /// a record written by hand as {protocolName, patientPosition} must still come out
    /// patientPosition first); names the schema does not know keep their order, after the others.
    static func inSchemaOrder<F>(_ fields: [F], of type: String?) -> [F] where F: NamedField {
        guard let type, let elements = types[type] else { return fields }
        let rank = Dictionary(elements.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        return fields.enumerated().sorted { x, y in
            let rx = rank[x.element.name] ?? Int.max, ry = rank[y.element.name] ?? Int.max
            return rx != ry ? rx < ry : x.offset < y.offset
        }.map(\.element)
    }

    static func element(_ name: String, in type: String?) -> Element? {
        guard let type = type else { return nil }
        return types[type]?.first { $0.name == name }
    }
}

/// A named header field (so the schema can order fields without knowing their value type).
protocol NamedField { var name: String { get } }
extension HeaderValue.Field: NamedField {}
