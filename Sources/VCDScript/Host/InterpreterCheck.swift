import Foundation

/// What one `vcdscript check` run has loaded: each module once, whichever file imports it.
final class CheckSession {
    /// Checked modules by absolute path; nil when the module could not be read or parsed.
    var summaries: [String: TypeChecker.ModuleSummary?] = [:]
    var loading: [String] = []
    var errors: [ScriptError] = []
}

extension Interpreter {
    /// Makes native types known to `check` by name, so that the types declared as results
    /// (`StaticType.native("vdc")`) can be followed. The types of host globals are known already.
    public func register(types: [NativeType]) {
        for t in types { nativeTypes[t.name] = t }
    }

    /// Checks a script without running it: parses and resolves it and every module it imports
    /// (found as `import` finds them), then checks member names, method names and named arguments
    /// wherever a value's type is known from the host's declarations. Throws every problem found,
    /// in every file, at once. A module already checked in this interpreter is not checked again.
    public func check(source: String, name: String, path: String? = nil) throws {
        let session = checkSession
        let key = path.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let key, session.summaries[key] != nil { return }
        session.errors = []
        if let key { session.loading.append(key) }
        let summary = checkModule(source: source, name: name, path: key)
        if let key { session.loading.removeLast(); session.summaries[key] = .some(summary) }
        let errors = session.errors
        session.errors = []
        if !errors.isEmpty { throw ScriptErrors(errors) }
    }

    private func checkModule(source: String, name: String, path: String?) -> TypeChecker.ModuleSummary? {
        let session = checkSession
        let file = SourceFile(name: name, text: source)
        let program: Program
        do {
            program = try Parser.parse(file)
        } catch let e as ScriptErrors {
            session.errors += e.errors
            return nil
        } catch let e as ScriptError {
            session.errors.append(e)
            return nil
        } catch {
            return nil
        }
        let module = Module(name: name, path: path, interpreter: self)
        do {
            try Resolver.resolve(program, globals: module.globals, builtins: builtins, allowRedeclare: false)
        } catch let e as ScriptErrors {
            // Names the resolver could not bind check nothing; the rest is still worth checking.
            session.errors += e.errors
        } catch {}
        var types = nativeTypes
        for case .object(let o) in builtins.values where types[o.nativeType.name] == nil { types[o.nativeType.name] = o.nativeType }
        let checker = TypeChecker(types: types, builtins: builtins, globals: module.globals) { [unowned self] i in
            self.checkImport(i, from: module)
        }
        let summary = checker.check(program, name: (name as NSString).lastPathComponent)
        session.errors += checker.errors
        return summary
    }

    /// Loads and checks an imported module once; its problems join the run's.
    private func checkImport(_ i: ImportStmt, from importer: Module) -> TypeChecker.ModuleSummary? {
        let session = checkSession
        guard let path = resolveImport(i.path, from: importer) else {
            let searched = ([importer.directory] + options.searchPaths).map { "  \($0)" }.joined(separator: "\n")
            session.errors.append(ScriptError(.import, "cannot find module \"\(i.path)\"", at: i.range,
                                              hint: "looked in:\n\(searched)\nset VCDSCRIPT_PATH to add folders", compileTime: true))
            return nil
        }
        if let cycleStart = session.loading.firstIndex(of: path) {
            let chain = (session.loading[cycleStart...] + [path]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            session.errors.append(ScriptError(.import, "import cycle: \(chain)", at: i.range,
                                              hint: "move what both modules need into a third module", compileTime: true))
            return nil
        }
        if let done = session.summaries[path] { return done }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            session.errors.append(ScriptError(.import, "cannot read module \(path)", at: i.range, compileTime: true))
            return nil
        }
        session.loading.append(path)
        let summary = checkModule(source: text, name: displayPath(path), path: path)
        session.loading.removeLast()
        session.summaries[path] = .some(summary)
        return summary
    }
}
