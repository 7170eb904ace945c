import Foundation

/// How an interpreter is set up by its host (the command line, the REPL, a test).
public struct InterpreterOptions {
    /// Folders searched for `import "name"` after the importing file's folder: `VCDSCRIPT_PATH`
    /// entries, then the bundled `stdlib/`.
    public var searchPaths: [String] = []
    /// Nested calls beyond this are a recursion error.
    public var maxCallDepth = 3000
    /// Stops a run after about this many steps (loop iterations and calls, plus the work of
    /// natives in proportion to its size: see `Cost`); nil for no limit.
    public var maxSteps: Int? = nil
    /// Where `print` writes; standard output by default.
    public var output: (String) -> Void = { s in FileHandle.standardOutput.write((s + "\n").data(using: .utf8)!) }
    /// Where `eprint` writes; standard error by default.
    public var errorOutput: (String) -> Void = { s in FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }
    /// Asked every few thousand steps and while natives wait: true cancels the run (Ctrl-C).
    public var interruptCheck: (() -> Bool)? = nil
    /// How `print` shows values that are not strings.
    public var outputFormat: OutputFormat = .text
    /// The width, in columns, text output is laid out for: tables fit in it (their longest cells
    /// cut with `...`) and `help()` wraps on words at it; 0 cuts nothing. nil (scripts): each
    /// table cell is cut at 60 characters and `help()` wraps at 80. The REPL sets it (`.width`).
    public var outputWidth: Int? = nil
    /// Allows `sh()`; hosts turn it off against the simulator.
    public var allowShell = true
    /// The clock `now()`, `sleep` and `wait` read and pass on; nil: the wall clock. A host whose
    /// world keeps its own time (the embedded simulator) passes that clock, so that a script's waits
    /// move the world's time on instead of sleeping.
    public var clock: HostClock? = nil
    /// The gate every change of the local machine goes through (`write`, `file.remove`,
    /// `file.mkdir`, `sh`): a host with a plan mode records the effect and answers `.skip` there.
    /// Nil: every effect is performed.
    public var localEffects: ((LocalEffect) throws -> LocalEffectDecision)? = nil
    public init() {}
}

/// A host's clock for the builtins that wait (`InterpreterOptions.clock`).
public struct HostClock {
    /// Seconds since 1970.
    public var now: () -> Double
    /// Lets `seconds` pass; asks `interrupted` as it goes and answers false when that cut it short.
    public var sleep: (_ seconds: Double, _ interrupted: () -> Bool) -> Bool

    public init(now: @escaping () -> Double, sleep: @escaping (_ seconds: Double, _ interrupted: () -> Bool) -> Bool) {
        self.now = now
        self.sleep = sleep
    }
}

/// The formats `-o` selects for printed values.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, table, json, yaml
}

/// A vcdscript interpreter: compiles and runs files, `-e` code and REPL input, loads modules,
/// and gives hosts a place to add native types and globals.
public final class Interpreter {
    public var options: InterpreterOptions
    let builtins = BuiltinTable()
    /// The main module: the script being run, or the REPL session.
    public private(set) var main: Module!
    private var modules: [String: Module] = [:]
    /// The values of the run's declared parameters: those the host bound from the command line
    /// (`bindParameters`), and the defaults the first `param` statement of each name evaluated.
    var parameterValues: [String: Value] = [:]
    /// The first typed `param` statement of each name that ran: a later one of another type or
    /// default (in another module) is an error, as the command line's reading of them finds.
    var parameterDeclarations: [String: (type: DeclaredParameter.ValueType, defaultText: String?, at: SourceRange)] = [:]
    private var loading: [String] = []
    private var interruptChecks = 0
    lazy var vm = VM(interpreter: self)
    let gil = GlobalLock()
    /// Native types by name, for `vcdscript check` (`register(types:)`).
    var nativeTypes: [String: NativeType] = [:]
    /// The modules `check` has loaded, across the files of one run.
    lazy var checkSession = CheckSession()

    public var maxCallDepth: Int { options.maxCallDepth }

    public init(options: InterpreterOptions = InterpreterOptions()) {
        self.options = options
        main = Module(name: "<main>", path: nil, interpreter: self)
        Builtins.install(into: self)
    }

    /// Makes `name` visible to every module (host globals such as `cloud` and `args`).
    public func define(_ name: String, _ value: Value) {
        builtins.define(name, value)
    }

    /// Adds a native function visible to every module.
    public func define(_ function: NativeFunction) {
        builtins.define(function.name, .builtin(function))
    }

    /// The value of a host or builtin name.
    public func builtin(_ name: String) -> Value? { builtins[name] }

    // MARK: running

    /// Runs a script file as the main module.
    @discardableResult
    public func runFile(_ path: String, displayName: String? = nil) throws -> Value {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ScriptError(.io, "cannot read \(path): \(Builtins.describeIOError(error))", hint: "check the path", compileTime: true)
        }
        main = Module(name: displayName ?? path, path: url.path, interpreter: self)
        modules[url.path] = main
        // The script is loading too: a module importing it back is an import cycle.
        loading.append(url.path)
        defer { loading.removeLast() }
        return try execute(source: text, name: displayName ?? path, in: main, allowRedeclare: false)
    }

    /// Runs code given as text (`vcdscript -e`).
    @discardableResult
    public func run(source: String, name: String = "<-e>") throws -> Value {
        try execute(source: source, name: name, in: main, allowRedeclare: false)
    }

    /// Runs one REPL input in the session's module. Returns the value of a final expression
    /// (nil when the input ends with a declaration or the value is nil) and binds it to `_`.
    public func evaluateREPL(_ source: String) throws -> Value? {
        let file = SourceFile(name: "<repl>", text: source)
        let program = try Parser.parse(file)
        let underscore = main.globals.declare("_", mutable: true, range: nil)
        let value = try run(program: program, in: main, allowRedeclare: true)
        guard let last = program.statements.last, last is ExprStmt, !value.isNil else { return nil }
        main.globals.store.values[underscore] = value
        return value
    }

    func execute(source: String, name: String, in module: Module, allowRedeclare: Bool) throws -> Value {
        let file = SourceFile(name: name, text: source)
        let program = try Parser.parse(file)
        return try run(program: program, in: module, allowRedeclare: allowRedeclare)
    }

    private func run(program: Program, in module: Module, allowRedeclare: Bool) throws -> Value {
        try Resolver.resolve(program, globals: module.globals, builtins: builtins, allowRedeclare: allowRedeclare)
        let compiler = Compiler(globals: module.globals.store, builtins: builtins, module: module)
        let (hoisted, body) = compiler.compile(program: program)
        let vm = currentVM
        let base = vm.sp
        let info = program.info
        if base + info.slotCount > vm.capacity, !vm.grow(to: base + info.slotCount) { throw Errors.stackOverflow(at: nil) }
        vm.sp = base + info.slotCount
        let cells = info.needsCellFrame ? CellFrame(count: info.cellVars.count, parent: nil) : nil
        let frame = Frame(base: vm.stack + base, cells: cells, captured: nil, vm: vm)
        let depth = vm.depth
        defer { vm.pop(to: base); vm.depth = depth; vm.signal = .none }
        for (index, proto) in hoisted {
            module.globals.store.bind(function: Closure(proto: proto, captured: cells), at: index, fixed: !allowRedeclare)
        }
        let mark = vm.defers.count
        do {
            var result = try body(frame)
            if vm.signal == .returned { result = vm.returnValue; vm.returnValue = .null }
            vm.signal = .none
            try vm.runDefers(from: mark, pending: nil)
            return result
        } catch let e as ScriptError {
            vm.signal = .none
            try? vm.runDefers(from: mark, pending: e)
            if e.traceback.isEmpty { e.traceback.append(TraceFrame(function: "<script>", range: e.range)) }
            throw e
        }
    }

    /// The VM of the calling thread (the main one, or a `parallel` worker's).
    var currentVM: VM {
        if let worker = Thread.current.threadDictionary["vcdscript.vm"] as? VM, worker.interpreter === self { return worker }
        return vm
    }

    /// Calls a function value from host code (for callbacks).
    public func call(_ function: Value, _ args: [Value], named: [(name: String, value: Value)] = []) throws -> Value {
        try Calls.callValue(function, args: args, named: named, vm: currentVM, range: nil)
    }

    // MARK: imports

    func importModule(_ spec: String, from importer: Module, at range: SourceRange, vm: VM) throws -> Value {
        guard let path = resolveImport(spec, from: importer) else {
            let searched = ([importer.directory] + options.searchPaths).map { "  \($0)" }.joined(separator: "\n")
            throw ScriptError(.import, "cannot find module \"\(spec)\"", at: range,
                              hint: "looked in:\n\(searched)\nset VCDSCRIPT_PATH to add folders")
        }
        if let cycleStart = loading.firstIndex(of: path) {
            let chain = (loading[cycleStart...] + [path]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            throw ScriptError(.import, "import cycle: \(chain)", at: range, hint: "move what both modules need into a third module")
        }
        if let m = modules[path] { return .object(m.object) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ScriptError(.import, "cannot read module \(path): \(Builtins.describeIOError(error))", at: range)
        }
        let module = Module(name: (path as NSString).lastPathComponent, path: path, interpreter: self)
        loading.append(path)
        defer { loading.removeLast() }
        do {
            _ = try execute(source: text, name: displayPath(path), in: module, allowRedeclare: false)
        } catch let errors as ScriptErrors {
            let first = errors.errors.first!
            let e = ScriptError(first.kind, "in module \(spec): \(first.message)", at: first.range, hint: first.hint, suggestion: first.suggestion, compileTime: true)
            throw e
        } catch let e as ScriptError {
            // The traceback goes on through the import statement of the importing file.
            e.traceback.append(TraceFrame(function: "<script>", range: range))
            throw e
        }
        modules[path] = module
        return .object(module.object)
    }

    func displayPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// Finds the file of an import: `./x` and `../x` relative to the importer only; bare names
    /// in the importer's folder, then the search path.
    func resolveImport(_ spec: String, from importer: Module) -> String? {
        let fm = FileManager.default
        func candidates(_ base: String) -> [String] {
            let p = (base as NSString).appendingPathComponent(spec)
            return spec.hasSuffix(".vs") ? [p] : [p + ".vs", p]
        }
        var folders: [String]
        if spec.hasPrefix("./") || spec.hasPrefix("../") { folders = [importer.directory] }
        else if spec.hasPrefix("/") { folders = ["/"] }
        else { folders = [importer.directory] + options.searchPaths }
        for folder in folders {
            for c in candidates(folder) {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: c, isDirectory: &isDir), !isDir.boolValue {
                    return URL(fileURLWithPath: c).standardizedFileURL.path
                }
            }
        }
        return nil
    }

    // MARK: cancellation

    /// Asks the host whether to stop, and checks the step limit after `blocks` more blocks of
    /// 1024 steps (0 for a native that waits: waiting is not work).
    func checkInterrupt(blocks: Int, force: Bool = false) throws {
        interruptChecks &+= blocks
        if let check = options.interruptCheck, check() {
            throw ScriptError(.cancelled, "interrupted")
        }
        if let max = options.maxSteps, !force, interruptChecks > max / 1024 {
            throw ScriptError(.limit, "the step limit of \(max) was reached", hint: "the script runs too long for this host's limit")
        }
    }

    /// Resets the step budget (the REPL does it before each input).
    public func resetStepCount() { interruptChecks = 0 }

    // MARK: introspection for the REPL

    /// Names visible at the top level: the session's globals, host names, builtins, keywords.
    public var visibleNames: [String] {
        main.globals.names + builtins.names
    }

    public static var keywords: [String] { Keyword.allCases.map(\.rawValue) }

    /// The members of a value (for completion after `.`).
    public func memberNames(of value: Value) -> [String] { Members.names(of: value) }

    /// Evaluates a side-effect-free expression (names, members, indexes, literals) for
    /// completion; nil if the text is anything else or fails.
    /// `lookups`: method names that may be called too, with literal arguments only (the REPL
    /// passes the cloud's read-only lookups, `org`, `vdc`, `get`, …, to complete live names).
    public func peek(_ expression: String, lookups: Set<String> = []) -> Value? {
        let file = SourceFile(name: "<completion>", text: expression)
        guard let program = try? Parser.parse(file), program.statements.count == 1,
              let stmt = program.statements.first as? ExprStmt, Interpreter.isPure(stmt.expr, lookups: lookups) else { return nil }
        let scratch = main!
        guard (try? Resolver.resolve(program, globals: scratch.globals, builtins: builtins, allowRedeclare: true)) != nil else { return nil }
        let compiler = Compiler(globals: scratch.globals.store, builtins: builtins, module: scratch)
        let eval = compiler.expr(stmt.expr)
        let frame = Frame(base: vm.stack + vm.sp, cells: nil, captured: nil, vm: vm)
        return try? eval(frame)
    }

    private static func isPure(_ e: Expr, lookups: Set<String>) -> Bool {
        switch e {
        case is LiteralExpr, is IdentExpr: return true
        case let l as ListExpr: return l.items.allSatisfy { isPure($0, lookups: lookups) }
        case let m as MapExpr: return m.entries.allSatisfy { isPure($0.key, lookups: lookups) && isPure($0.value, lookups: lookups) }
        case let m as MemberExpr: return isPure(m.object, lookups: lookups)
        case let i as IndexExpr: return isPure(i.object, lookups: lookups) && isPure(i.index, lookups: lookups)
        case let c as CallExpr:
            guard let m = c.callee as? MemberExpr, lookups.contains(m.name) else { return false }
            return isPure(m.object, lookups: lookups) && c.args.allSatisfy { $0 is LiteralExpr } && c.named.allSatisfy { $0.value is LiteralExpr }
        default: return false
        }
    }
}

/// The lock `parallel` workers take turns on: one runs script code at a time, and natives that
/// wait (sleep, HTTP) let it go so the others can run.
final class GlobalLock {
    private let lock = NSLock()
    private(set) var contended = false
    func acquire() { lock.lock() }
    func release() { lock.unlock() }
    func enable() { contended = true }
    func disable() { contended = false }
}

extension CallContext {
    /// Runs blocking native work (a sleep, a network wait) while other `parallel` workers run.
    public func blocking<T>(_ work: () throws -> T) rethrows -> T {
        let gil = vm.interpreter.gil
        guard gil.contended else { return try work() }
        gil.release()
        defer { gil.acquire() }
        return try work()
    }
}

extension Interpreter {
    /// Renders a value as `print` would in `format`, with a call context so that host objects can
    /// compute table cells and iterate (the REPL's auto-print uses it).
    public func render(_ value: Value, format: OutputFormat) -> String {
        Display.render(value, format: format, ctx: CallContext(vm: currentVM, range: nil))
    }
}
