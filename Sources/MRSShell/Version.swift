/// The version `mrs --version` and the REPL banner print.
public enum MRSVersion {
    public static let string = "0.1.0"
}
