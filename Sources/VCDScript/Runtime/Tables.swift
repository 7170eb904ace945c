/// The values of a module's globals. Compiled code holds this object and indexes it directly.
final class GlobalStore {
    var values: ContiguousArray<Value> = []
    /// For each global made by a top-level `fn` that can never be declared again (a script or an
    /// imported module, not the REPL), its function, unretained: calls read it without counting a
    /// reference. Nil for every other global.
    private(set) var functions: ContiguousArray<Unmanaged<Closure>?> = []
    /// Keeps alive every function that `functions` points to, for as long as the store lives.
    private var pinned: [Closure] = []

    /// Adds the slot of a new global.
    func append() {
        values.append(.null)
        functions.append(nil)
    }

    /// Binds a top-level function. `fixed`: the name can never be declared again, so calls may
    /// take the function without counting a reference.
    func bind(function c: Closure, at i: Int, fixed: Bool) {
        values[i] = .function(c)
        if fixed {
            pinned.append(c)
            functions[i] = Unmanaged.passUnretained(c)
        } else {
            functions[i] = nil
        }
    }

    /// A global declared again (REPL): its old function no longer stands for the name.
    func forget(_ i: Int) { functions[i] = nil }
}

/// A module's global names: top-level declarations of the file (or of every REPL input so far).
final class GlobalTable {
    private(set) var names: [String] = []
    private var indexByName: [String: Int] = [:]
    private var infos: [GlobalInfo] = []
    private var predeclared: Set<String> = []
    let store = GlobalStore()

    func index(of name: String) -> Int? { indexByName[name] }
    func isMutable(_ i: Int) -> Bool { infos[i].mutable }
    func isPredeclared(_ name: String) -> Bool { predeclared.contains(name) }
    func declRange(of name: String) -> SourceRange? { indexByName[name].flatMap { infos[$0].declRange } }

    /// Declares a global (or, in the REPL, declares it again: same slot, new mutability).
    @discardableResult
    func declare(_ name: String, mutable: Bool, range: SourceRange?, predeclared isHost: Bool = false) -> Int {
        if let i = indexByName[name] {
            store.forget(i)
            infos[i].mutable = mutable
            infos[i].declRange = range
            return i
        }
        let i = names.count
        names.append(name)
        indexByName[name] = i
        infos.append(GlobalInfo(name: name, mutable: mutable, declRange: range))
        store.append()
        if isHost { predeclared.insert(name) }
        return i
    }

    subscript(name: String) -> Value? {
        indexByName[name].map { store.values[$0] }
    }
}

/// Names every module sees: the core builtins and whatever the host adds (`cloud`, `args`).
final class BuiltinTable {
    private(set) var names: [String] = []
    private var indexByName: [String: Int] = [:]
    var values: ContiguousArray<Value> = []

    func index(of name: String) -> Int? { indexByName[name] }

    func define(_ name: String, _ value: Value) {
        if let i = indexByName[name] { values[i] = value; return }
        indexByName[name] = names.count
        names.append(name)
        values.append(value)
    }

    subscript(name: String) -> Value? { indexByName[name].map { values[$0] } }
}
