/// `param` statements at run time: the value the host bound from the command line, else the
/// default (evaluated once per name, so that every module declaring the name sees one value),
/// checked against the allowed values and the check function, then bound as a global.
extension Compiler {
    func parameter(_ p: ParamStmt) -> Eval {
        let store = storeTarget(p.target)
        let defaultValue = p.defaultValue.map { expr($0) }
        let check = p.check.map { expr($0) }
        let interpreter = module.interpreter
        let (name, type, required, range) = (p.name, p.type, p.required, p.nameRange)
        let defaultRange = p.defaultValue?.range
        let checkRange = p.check?.range
        let allowed = p.allowed?.items.compactMap { ($0 as? LiteralExpr)?.value } ?? []
        let allowedText = p.allowed?.items.map { $0.range.file.text($0.range.start..<$0.range.end) } ?? []
        let defaultText = p.defaultValue.map { $0.range.file.text($0.range.start..<$0.range.end) }
        return { f in
            if let type {
                if let first = interpreter.parameterDeclarations[name] {
                    if first.type != type || first.defaultText != defaultText {
                        throw ScriptError(.name, "parameter \(name) is declared differently at \(first.at) and here", at: range,
                                          hint: "one parameter of a run has one type and one default: give both declarations the same, or declare it with its type in one module and as `param \(name)` in the other")
                    }
                } else {
                    interpreter.parameterDeclarations[name] = (type, defaultText, range)
                }
            }
            var value: Value
            if let bound = interpreter.parameterValues[name] {
                value = bound
            } else if let defaultValue, let type {
                value = try Compiler.parameterDefault(try defaultValue(f), type: type, name: name, at: defaultRange)
                interpreter.parameterValues[name] = value
            } else if required {
                throw ScriptError(.argument, "parameter \(name) is required and was not given", at: range,
                                  hint: "run the script as: vcdscript FILE \(name)=VALUE")
            } else {
                throw ScriptError(.name, "parameter \(name) is declared by a module that has not run yet", at: range,
                                  hint: "put the import of the module that declares \(name) above this line")
            }
            let shown = type == .secret ? "the value" : Formatter.repr(value)
            if !allowed.isEmpty, !value.isNil {
                let items: [Value]
                if case .list(let l) = value { items = l.items } else { items = [value] }
                for item in items where !DeclaredParameters.isAllowed(item, allowed) {
                    throw ExitRequest(code: 2, message: "error: parameter \(name): \(type == .secret ? "the value" : Formatter.repr(item)) is not one of \(allowedText.joined(separator: ", "))")
                }
            }
            if let check, let checkRange, !value.isNil {
                let ok = try Calls.callValue(try check(f), args: [value], named: [], vm: f.vm, range: checkRange)
                if !ok.isTruthy {
                    let text = checkRange.file.text(checkRange.start..<checkRange.end)
                    throw ExitRequest(code: 2, message: "error: parameter \(name): \(shown) is refused by its check \(text)")
                }
            }
            store(f, value)
            return .null
        }
    }

    /// A default as a value of the parameter's type: text is read as the command line's would
    /// be (`param net: cidr = "10.0.0.1/24"`); nil stays nil (the parameter is optional).
    static func parameterDefault(_ v: Value, type: DeclaredParameter.ValueType, name: String, at range: SourceRange?) throws -> Value {
        switch (type, v) {
        case (_, .null), (.string, .string), (.int, .int), (.bool, .bool), (.duration, .duration), (.list, .list), (.secret, .secret):
            return v
        case (.cidr, .object(let o)) where o is Network.CIDRObject:
            return v
        case (_, .string(let text)):
            switch DeclaredParameters.convert(text, to: type) {
            case .success(let converted): return converted
            case .failure(let reason):
                throw ScriptError(.value, "the default of parameter \(name): \(Formatter.quote(text)) \(reason)", at: range)
            }
        default:
            throw ScriptError(.type, "the default of parameter \(name) is a \(v.typeName), where the type is \(type.rawValue)", at: range,
                              hint: "give a \(type.rawValue) (or its text, as on the command line)")
        }
    }
}
