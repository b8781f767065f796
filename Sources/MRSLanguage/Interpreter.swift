import Foundation
import NDArray

/// What running a piece of code produced: the value of its final expression statement (if it
/// ended with one) and whether the REPL should show it (no trailing `;`).
public struct RunOutcome {
    public let value: Value?
    public let display: Bool
}

/// Runs mrs code. One interpreter is one session: globals persist across `run` calls (the REPL
/// feeds it line by line; a batch run feeds it one file). `run(source:)` is the single entry
/// point for the REPL, the batch runner and the tests.
public final class Interpreter {
    public let registry: Registry
    /// Where `print` and friends write. Defaults to standard output.
    public var output: (String) -> Void = { s in
        FileHandle.standardOutput.write(s.data(using: .utf8) ?? Data())
    }
    /// Directory relative paths in scripts are resolved against (the working directory).
    /// Where warnings go (rendered like errors, with `warning:`); standard error by default.
    public var warningOutput: (MRSError) -> Void = { w in
        FileHandle.standardError.write(DiagnosticPrinter().render(w).data(using: .utf8)!)
    }
    /// Reports a warning.
    public func warn(_ w: MRSError) { warningOutput(w) }
    public var workingDirectory: String = FileManager.default.currentDirectoryPath
    private var globals: [String: Box] = [:]
    private var callDepth = 0
    /// Maximum depth of nested user function calls before "recursion too deep".
    public var maxCallDepth = 100_000
    /// Lowest stack address user calls may reach on the running thread (with a safety margin),
    /// so deep recursion is an error on any thread, whatever its stack size.
    private var stackFloor: UInt = 0
    /// Values the built-ins keep per session (e.g. tic/toc start times).
    public var sessionState: [String: Any] = [:]

    /// Storage for a capture reference that has no closure (never happens in compiled code).
    nonisolated(unsafe) static let nowhere: UnsafeMutablePointer<Value?> = {
        let p = UnsafeMutablePointer<Value?>.allocate(capacity: 1)
        p.initialize(to: nil)
        return p
    }()

    public init(registry: Registry) {
        self.registry = registry
    }

    // MARK: - Running code

    /// Parses, compiles and runs a source file. Syntax errors are thrown before anything runs.
    @discardableResult
    public func run(_ source: SourceFile) throws -> RunOutcome {
        stackFloor = Interpreter.currentStackFloor()
        let program = try Parser.parse(source)
        for w in IndentationCheck.warnings(in: program, source: source) { warn(w) }
        let (body, final) = try Compiler(interp: self).compileProgram(program)
        let frame = Frame()
        for s in body {
            let flow = try s.exec(frame)
            if case .normal = flow { continue }
            break
        }
        guard let (expr, suppressed) = final else { return RunOutcome(value: nil, display: false) }
        let v = try expr.eval(frame)
        return RunOutcome(value: v, display: !suppressed)
    }

    /// Runs code given as text.
    @discardableResult
    public func run(code: String, name: String = "<input>") throws -> RunOutcome {
        try run(SourceFile(name: name, text: code))
    }

    // MARK: - Calls

    /// Calls a function value with arguments; errors get the call site appended to their chain.
    public func invoke(_ fn: Function, _ args: Arguments) throws -> Value {
        if fn.isClosure {
            let closure = unsafeDowncast(fn, to: Closure.self)
            return try guarded(closure, at: args.location) { try closure.call(args, self) }
        }
        do {
            return try fn.call(args, self)
        } catch var e as MRSError {
            if e.location == nil { e.location = args.location }
            throw e
        } catch let e as ArrayError {
            var err = MRSError(.value, "\(fn.name): \(e.message)", at: args.location)
            if e.operation != fn.name { err.message = "\(fn.name): \(e.description)" }
            if let hint = registry.hint(for: e.message, at: args.location) { err.message += "; " + hint }
            throw err
        } catch {
            guard let site = args.location else { throw error }
            throw MRSError.wrap(error, at: site)
        }
    }

    /// Runs a user function's body in a prepared frame (the fast call path).
    @inline(__always)
    func enter(_ closure: Closure, _ frame: Frame, at site: SourceLocation) throws -> Value {
        try guarded(closure, at: site) { try runBody(closure.code, frame) }
    }

    /// Depth and stack checks around a user function call, and the call chain on errors.
    @inline(__always)
    private func guarded(_ closure: Closure, at site: SourceLocation?, _ body: () throws -> Value) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        var marker: UInt8 = 0
        let sp = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if callDepth > maxCallDepth || sp < stackFloor {
            throw MRSError(.runtime, "recursion too deep (more than \(callDepth - 1) nested calls)", at: site)
        }
        if Interrupt.isRequested { try Interrupt.check() }
        do {
            return try body()
        } catch var e as MRSError {
            if let site = site, e.kind != .interrupted || e.location != nil {
                if e.location == nil { e.location = site } else { e.appendCall(CallSite(function: closure.name, location: site)) }
            }
            throw e
        } catch {
            throw MRSError.wrap(error, at: site ?? closure.code.loc)
        }
    }

    /// Calls a function value from a built-in (e.g. a predicate passed to `select`).
    public func call(_ fn: Value, _ args: [Value], at location: SourceLocation?) throws -> Value {
        guard case .function(let f) = fn else {
            throw MRSError(.type, "\(fn.typeDescription) is not callable", at: location)
        }
        return try invoke(f, Arguments(args, location: location))
    }

    func runBody(_ code: CompiledFunction, _ frame: Frame) throws -> Value {
        if case .returned = try code.body.exec(frame) {
            // Hand the value over rather than copying it.
            let v = frame.returnValue
            frame.returnValue = .none
            return v
        }
        return .none
    }

    /// The stack floor of the calling thread: its lowest address plus a margin for the
    /// built-ins and runtime frames below the last interpreted call.
    static func currentStackFloor() -> UInt {
        var attr = pthread_attr_t()
        guard glibcGetThreadAttributes(pthread_self(), &attr) == 0 else { return 0 }
        defer { pthread_attr_destroy(&attr) }
        var addr: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &addr, &size) == 0, let base = addr else { return 0 }
        let margin = Swift.min(UInt(size) / 4, 1 << 20)
        return UInt(bitPattern: base) + margin
    }

    // MARK: - Globals

    /// The box holding a global (created, empty, on first reference).
    func box(for name: String) -> Box {
        if let b = globals[name] { return b }
        let b = Box()
        globals[name] = b
        return b
    }

    /// A global's value, if it is set.
    public func global(_ name: String) -> Value? { globals[name]?.p.pointee }

    /// Sets (or with nil clears) a global.
    public func setGlobal(_ name: String, _ value: Value?) { box(for: name).p.pointee = value }

    /// Names of the globals that hold a value, sorted.
    public var globalNames: [String] { globals.filter { $0.value.p.pointee != nil }.map(\.key).sorted() }

    /// Sets every global of `other` here too (values are copied lazily: arrays, lists and
    /// records keep their value semantics; handles such as open files are shared).
    public func copyGlobals(from other: Interpreter) {
        for (name, box) in other.globals {
            if let v = box.p.pointee { setGlobal(name, v) }
        }
    }

    /// Clears every global.
    public func clearGlobals() { for (_, b) in globals { b.p.pointee = nil } }

    /// A built-in or constant under `name`.
    func builtinValue(_ name: String) -> Value? { registry.value(name) }

    /// Names from Python, MATLAB and Julia that students type, and the mrs word for them.
    static let otherLanguageNames: [String: String] = [
        "True": "mrs writes 'true'", "False": "mrs writes 'false'", "None": "mrs writes 'none'",
        "nil": "mrs writes 'none'", "null": "mrs writes 'none'", "nothing": "mrs writes 'none'",
        "imshow": "pictures are written with snapshot(x, \"file.png\")", "plt": "plots are written with plot(y, \"file.png\") and snapshot",
        "np": "NumPy's functions are built in under their own names (zeros, fft, …): no 'np.' prefix",
        "numpy": "NumPy's functions are built in under their own names (zeros, fft, …)",
        "disp": "mrs writes print(x)", "println": "mrs writes print(x)", "fprintf": "mrs writes print(format(…))",
        "numel": "mrs writes size(x)", "length": "mrs writes len(x)",
    ]

    func undefinedName(_ name: String, at loc: SourceLocation, isLocal: Bool) -> MRSError {
        if isLocal {
            return MRSError(.name, "local variable '\(name)' is used before it is assigned (to change a global inside a function, declare it with 'global \(name)')", at: loc)
        }
        if let hint = Interpreter.otherLanguageNames[name] {
            return MRSError(.name, "undefined variable '\(name)': \(hint)", at: loc)
        }
        let candidates = globalNames + registry.allNames
        return MRSError(.name, "undefined variable '\(name)'\(Indexing.suggestion(name, candidates))", at: loc)
    }
}

/// glibc's pthread_getattr_np, which Swift's Glibc module hides (it needs _GNU_SOURCE).
@_silgen_name("pthread_getattr_np")
private func glibcGetThreadAttributes(_ thread: pthread_t, _ attr: UnsafeMutablePointer<pthread_attr_t>) -> Int32
