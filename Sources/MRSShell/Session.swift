import Foundation
import MRSBuiltins
import MRSLanguage
import NDArray

/// An interpreter with every built-in registered, plus the error printer: what the REPL, the
/// batch runner, lessons, reports and tests all use.
public final class Session {
    public let interp: Interpreter
    public var printer: DiagnosticPrinter

    public init(color: Bool = false) {
        BLASThreads.useCallingThreadOnly()
        AllocatorTuning.configure()
        interp = Interpreter(registry: Builtins.makeRegistry())
        printer = DiagnosticPrinter(color: color)
    }

    /// Runs code; errors are returned rendered (not thrown) together with their kind.
    public func run(_ code: String, name: String) -> Result<RunOutcome, MRSError> {
        Interrupt.clear()
        do {
            return .success(try interp.run(SourceFile(name: name, text: code)))
        } catch let e as MRSError {
            return .failure(e)
        } catch let e as InterruptedError {
            return .failure(MRSError(.interrupted, e.description))
        } catch {
            return .failure(MRSError(.runtime, String(describing: error)))
        }
    }

    /// The rendered diagnostics of an error.
    public func render(_ e: MRSError) -> String { printer.render(e) }
}
