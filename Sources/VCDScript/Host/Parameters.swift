import Foundation
import NetAddress

/// One `param` declaration of a script or module, as `--help` shows it and as the command line
/// is checked against it. Read from the source without running it.
public struct DeclaredParameter {
    /// The types a parameter can have; the command line's text is converted to one of them.
    public enum ValueType: String, CaseIterable, Sendable {
        case string, int, bool, duration, cidr, list, secret
    }

    public let name: String
    public let type: ValueType
    public let required: Bool
    public let doc: String
    /// The default as written in the source (`"xav_lab"`, `8`, `env("KUBECONFIG", "")`); nil: none.
    public let defaultText: String?
    /// The allowed values as written (`"small"`); empty: any value of the type.
    public let allowedText: [String]
    /// True when a `check:` function judges the value when the script runs.
    public let hasCheck: Bool
    /// Where it is declared: `file:line`.
    public let declaredAt: String
    /// The absolute path of the file that declares it.
    public let file: String
    let allowed: [Value]

    /// The environment variable that gives the parameter a default: `VCDSCRIPT_PARAM_` and the
    /// name in upper snake case (`ipCount` → `VCDSCRIPT_PARAM_IP_COUNT`, `podCIDR` → `…_POD_CIDR`).
    public var environmentName: String { "VCDSCRIPT_PARAM_" + DeclaredParameter.upperSnake(name) }

    /// `ipCount` → `IP_COUNT`: an underscore before a capital that follows a lower-case letter or a
    /// digit, or that starts a word after capitals (`CIDRBlock` → `CIDR_BLOCK`); other characters
    /// than letters and digits become underscores.
    public static func upperSnake(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, c) in chars.enumerated() {
            if i > 0, c.isUppercase {
                let prev = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if prev.isLowercase || prev.isNumber || (prev.isUppercase && nextIsLower) { out.append("_") }
            }
            out.append(c.isLetter || c.isNumber ? Character(c.uppercased()) : "_")
        }
        return out
    }
}

/// The parameters of a run: those of the main script and of every module it imports, merged by
/// name (the same name is the same parameter everywhere), in the order `--help` lists them.
public struct DeclaredParameters {
    public private(set) var all: [DeclaredParameter] = []

    public subscript(name: String) -> DeclaredParameter? { all.first { $0.name == name } }

    /// What the command line and the environment give: the converted values of the parameters
    /// given, and one sentence per problem (unknown, missing, ill-typed, not allowed).
    public struct Binding {
        public var values: [String: Value] = [:]
        public var problems: [String] = []
    }

    /// Reads `name=value`, `--name value`, `--name=value`, `--flag` (a bool set to true) and bare
    /// words (the required parameters in declaration order), over the `VCDSCRIPT_PARAM_<NAME>`
    /// variables of `environment`.
    public func bind(arguments: [String], environment: [String: String] = [:]) -> Binding {
        var b = Binding()
        var texts: [String: [String]] = [:]
        var source: [String: String] = [:]
        func give(_ name: String, _ text: String, from: String) {
            guard self[name] != nil else {
                if let guess = Spelling.closest(to: name, in: all.map(\.name)) {
                    b.problems.append("unknown parameter \(name): did you mean \(guess)? (--help lists the parameters)")
                } else {
                    b.problems.append("unknown parameter \(name) (--help lists the parameters)")
                }
                return
            }
            if texts[name] != nil, self[name]!.type != .list {
                b.problems.append("parameter \(name) is given twice: give it once (a list takes a,b,c)")
                return
            }
            texts[name, default: []].append(text)
            source[name] = from
        }
        var i = 0
        var bare: [String] = []
        while i < arguments.count {
            let a = arguments[i]
            i += 1
            if a.hasPrefix("--"), a.count > 2 {
                let body = String(a.dropFirst(2))
                if let eq = body.firstIndex(of: "=") {
                    give(String(body[..<eq]), String(body[body.index(after: eq)...]), from: a)
                } else if let p = self[body], p.type == .bool {
                    give(body, "true", from: a)
                } else if self[body] == nil {
                    give(body, "", from: a)
                } else if i < arguments.count {
                    give(body, arguments[i], from: a)
                    i += 1
                } else {
                    b.problems.append("\(a) needs a value: \(a) VALUE or \(a)=VALUE")
                }
            } else if let eq = a.firstIndex(of: "="), eq != a.startIndex, a[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                give(String(a[..<eq]), String(a[a.index(after: eq)...]), from: a)
            } else {
                bare.append(a)
            }
        }
        // Bare words give the required parameters not given by name, in declaration order.
        var open = all.filter { $0.required && texts[$0.name] == nil }
        for word in bare {
            if open.isEmpty {
                let names = all.filter(\.required).map(\.name)
                b.problems.append("unexpected argument \(Formatter.quote(word)): give name=value"
                                  + (names.isEmpty ? "" : " (a bare word gives a required parameter: \(names.joined(separator: ", ")))"))
            } else {
                let p = open.removeFirst()
                texts[p.name] = [word]
                source[p.name] = p.name
            }
        }
        for p in all where texts[p.name] == nil {
            if let text = environment[p.environmentName] {
                texts[p.name] = [text]
                source[p.name] = p.environmentName
            }
        }
        for p in all {
            guard let given = texts[p.name] else {
                if p.required {
                    b.problems.append("missing required parameter \(p.name)\(p.doc.isEmpty ? "" : " (\(p.doc))"): give \(p.name)=VALUE")
                }
                continue
            }
            let from = source[p.name] ?? p.name
            let label = from.hasPrefix("VCDSCRIPT_PARAM_") ? from : "parameter \(p.name)"
            var value: Value
            if p.type == .list {
                value = .list(ListRef(given.flatMap { DeclaredParameters.listItems($0) }))
            } else {
                switch DeclaredParameters.convert(given[0], to: p.type) {
                case .success(let v): value = v
                case .failure(let reason):
                    b.problems.append("\(label): \(Formatter.quote(given[0])) \(reason)")
                    continue
                }
            }
            if let problem = DeclaredParameters.notAllowed(value, p) {
                b.problems.append("\(label): \(problem)")
                continue
            }
            b.values[p.name] = value
        }
        return b
    }

    static func listItems(_ text: String) -> [Value] {
        text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isFalseyString }
    }

    /// The command line's text as a value of `type`, or why it is not one.
    static func convert(_ text: String, to type: DeclaredParameter.ValueType) -> Result<Value, ConversionFailure> {
        switch type {
        case .string: return .success(.string(text))
        case .secret: return .success(.secret(SecretRef(text)))
        case .list: return .success(.list(ListRef(listItems(text))))
        case .int:
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else { return .failure(.init("is not an int: give a whole number such as 8")) }
            return .success(.int(n))
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .success(.bool(true))
            case "false", "no", "off", "0": return .success(.bool(false))
            default: return .failure(.init("is not a bool: give true or false"))
            }
        case .duration:
            guard let d = DurationText.parse(text) else { return .failure(.init("is not a duration: write it like 90s, 30m or 1h30m")) }
            return .success(.duration(d))
        case .cidr:
            do { return .success(.object(Network.CIDRObject(try IPv4CIDR(text)))) } catch {
                return .failure(.init("is not a network in CIDR notation (\(error.reason)): write it like 192.168.10.0/24 or 192.168.10.1/24"))
            }
        }
    }

    struct ConversionFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// Why `value` is not among the allowed values of `p`, or nil when it is (or any value goes).
    static func notAllowed(_ value: Value, _ p: DeclaredParameter) -> String? {
        guard !p.allowed.isEmpty else { return nil }
        let candidates: [Value]
        if case .list(let l) = value { candidates = l.items } else { candidates = [value] }
        for c in candidates where !DeclaredParameters.isAllowed(c, p.allowed) {
            if p.type == .secret { return "the value is not one of the allowed ones" }
            return "\(Formatter.repr(c)) is not one of \(p.allowedText.joined(separator: ", "))"
        }
        return nil
    }

    /// True when `value` is one of `allowed`; a secret is compared by its text.
    static func isAllowed(_ value: Value, _ allowed: [Value]) -> Bool {
        var v = value
        if case .secret(let ref) = value { v = .string(ref.reveal()) }
        return allowed.contains { (try? Ops.equal($0, v)) == true }
    }

    // MARK: reading the declarations

    /// Reads the `param` declarations of `path` and of the modules it imports (at its top level,
    /// transitively), without running anything. Throws the syntax errors of those files and the
    /// conflicts between two declarations of one name.
    static func collect(file path: String, interpreter: Interpreter) throws -> DeclaredParameters {
        var set = DeclaredParameters()
        var visited: Set<String> = []
        var statements: [(ParamStmt, String)] = []  // the statement and its file's absolute path
        func visit(_ path: String, display: String) throws {
            let full = URL(fileURLWithPath: path).standardizedFileURL.path
            guard visited.insert(full).inserted else { return }
            let text: String
            do { text = try String(contentsOfFile: full, encoding: .utf8) } catch {
                throw ScriptError(.io, "cannot read \(path): \(Builtins.describeIOError(error))", compileTime: true)
            }
            let program = try Parser.parse(SourceFile(name: display, text: text))
            let module = Module(name: display, path: full, interpreter: interpreter)
            var imports: [String] = []
            for s in program.statements {
                if let p = s as? ParamStmt { statements.append((p, full)) }
                if let i = s as? ImportStmt, let found = interpreter.resolveImport(i.path, from: module) { imports.append(found) }
            }
            // The importer's parameters first: --help lists the script's own before its modules'.
            for found in imports { try visit(found, display: interpreter.displayPath(found)) }
        }
        try visit(path, display: interpreter.displayPath(path))
        // The typed declarations first; a declaration without type takes the typed one's.
        let ordered = statements.filter { $0.0.type != nil } + statements.filter { $0.0.type == nil }
        var firstDecl: [String: ParamStmt] = [:]
        for (stmt, file) in ordered {
            guard let type = stmt.type else {
                if firstDecl[stmt.name] == nil {
                    throw ScriptError(.name, "parameter \(stmt.name) has no type, and no imported module declares it", at: stmt.nameRange,
                                      hint: "give it a type or a default (param \(stmt.name): string = \"...\"), or import the module that declares it",
                                      suggestion: Spelling.closest(to: stmt.name, in: Array(firstDecl.keys)), compileTime: true)
                }
                continue
            }
            let defaultText = stmt.defaultValue.map { $0.range.file.text($0.range.start..<$0.range.end) }
            if let first = firstDecl[stmt.name] {
                let firstDefault = first.defaultValue.map { $0.range.file.text($0.range.start..<$0.range.end) }
                if first.type != type || firstDefault != defaultText || first.required != stmt.required {
                    throw ScriptError(.name, "parameter \(stmt.name) is declared differently at \(first.nameRange) and here", at: stmt.nameRange,
                                      hint: "one parameter of a run has one type and one default: give both declarations the same, or declare it with its type in one module and as `param \(stmt.name)` in the other",
                                      compileTime: true)
                }
                continue
            }
            firstDecl[stmt.name] = stmt
            let allowed = stmt.allowed?.items.compactMap { ($0 as? LiteralExpr)?.value } ?? []
            set.all.append(DeclaredParameter(
                name: stmt.name, type: type, required: stmt.required, doc: stmt.doc, defaultText: defaultText,
                allowedText: stmt.allowed?.items.map { $0.range.file.text($0.range.start..<$0.range.end) } ?? [],
                hasCheck: stmt.check != nil, declaredAt: "\(stmt.nameRange.file.name):\(stmt.nameRange.line)", file: file, allowed: allowed))
        }
        // Docs given only on another declaration of the same name count too.
        for (stmt, _) in statements where !stmt.doc.isEmpty {
            if let i = set.all.firstIndex(where: { $0.name == stmt.name && $0.doc.isEmpty }) {
                let p = set.all[i]
                set.all[i] = DeclaredParameter(name: p.name, type: p.type, required: p.required, doc: stmt.doc, defaultText: p.defaultText,
                                               allowedText: p.allowedText, hasCheck: p.hasCheck, declaredAt: p.declaredAt, file: p.file, allowed: p.allowed)
            }
        }
        // In the order of their typed declarations: the main script's first, then each module's
        // as the imports reach it.
        let typed = statements.filter { $0.0.type != nil }
        let order = Dictionary(typed.enumerated().map { ($0.element.0.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        set.all.sort { (order[$0.name] ?? 0) < (order[$1.name] ?? 0) }
        return set
    }

    // MARK: help

    /// The parameter table `--help` prints: one line per parameter (name, type, default or
    /// `required`, doc, allowed values); a secret's default is never shown.
    public func helpText(script: String) -> String {
        var lines = ["usage: vcdscript [options] \(script) [name=value | --name value | --flag]..."]
        guard !all.isEmpty else { return (lines + ["", "\(script) declares no parameters."]).joined(separator: "\n") }
        lines += ["", "parameters:"]
        let rows = all.map { p -> [String] in
            let def: String
            if p.required { def = "required" }
            else if let d = p.defaultText, d != "nil" { def = p.type == .secret ? "default (hidden)" : "default \(d)" }
            else { def = "" }
            var doc = p.doc
            if !p.allowedText.isEmpty { doc += (doc.isEmpty ? "" : " ") + "(one of \(p.allowedText.joined(separator: ", ")))" }
            return [p.name, p.type.rawValue, def, doc]
        }
        let widths = (0..<3).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for r in rows {
            let cells = (0..<3).map { r[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            var line = "  " + cells.joined(separator: "  ") + "  " + r[3]
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        let example = all.first { $0.name.contains { $0.isUppercase } } ?? all[0]
        lines += ["", "A bare word gives the next required parameter; VCDSCRIPT_PARAM_<NAME> (the name in upper snake case,",
                  "e.g. \(example.environmentName) for \(example.name)) gives a default from the environment."]
        return lines.joined(separator: "\n")
    }
}

private extension Value {
    var isFalseyString: Bool { if case .string(let s) = self { return s.isEmpty }; return false }
}

extension Interpreter {
    /// The parameters a script declares, with those of the modules it imports: read from the
    /// source without running it (`vcdscript SCRIPT --help`).
    public func declaredParameters(file path: String) throws -> DeclaredParameters {
        try DeclaredParameters.collect(file: path, interpreter: self)
    }

    /// Reads the command line and the environment against the parameters `path` declares and
    /// keeps the values for its `param` statements. Returns the problems (one sentence each);
    /// when there are any, nothing is kept and the script must not run.
    public func bindParameters(file path: String, arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        let declared = try declaredParameters(file: path)
        guard !declared.all.isEmpty else { return [] }
        let binding = declared.bind(arguments: arguments, environment: environment)
        guard binding.problems.isEmpty else { return binding.problems }
        parameterValues = binding.values
        return []
    }
}
