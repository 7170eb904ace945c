import Foundation

/// A loaded file (or the REPL session): its globals and where it came from.
public final class Module {
    public let name: String
    /// The absolute path of the file, or nil for `-e` code and the REPL.
    public let path: String?
    let globals = GlobalTable()
    unowned let interpreter: Interpreter
    lazy var object = ModuleObject(module: self)

    init(name: String, path: String?, interpreter: Interpreter) {
        self.name = name
        self.path = path
        self.interpreter = interpreter
    }

    /// The folder relative imports start from.
    var directory: String {
        if let path { return (path as NSString).deletingLastPathComponent }
        return FileManager.default.currentDirectoryPath
    }

    /// The names of the module's globals, for completion.
    public var globalNames: [String] { globals.names }

    /// The value of a global, if it is defined.
    public func global(_ name: String) -> Value? { globals[name] }
}

/// A module as a value: `import "x"` binds one; its members are the module's globals.
final class ModuleObject: NativeObject {
    static let type: NativeType = {
        let t = NativeType(name: "module", doc: "A module loaded with import; its members are its top-level names.")
        t.describe(as: ModuleObject.self) { o in "<module \(o.module.name)>" }
        return t
    }()
    let module: Module
    init(module: Module) {
        self.module = module
        super.init(type: ModuleObject.type)
    }
}
