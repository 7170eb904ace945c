import CloudWire
import Foundation
import GRDB

/// The SQLite file behind the simulator: one table of objects, one of meta values (counters,
/// seed marker, served endpoints). Secrets are kept as digests only (`SecretDigest`); the file, its
/// WAL and SHM are 0600 and their folder 0700 (`PrivateFiles`). Opened as a GRDB `DatabasePool` (WAL); every request that
/// changes the world is one transaction, so a `kill -9` leaves either all of it or none of it.
final class Store {
    let pool: DatabasePool
    let path: String

    init(path: String) throws {
        self.path = path
        try Self.preparePrivateFiles(path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        // WAL + NORMAL: a commit is in the WAL (OS cache) before the answer, which survives kill -9
        // of the process (what the simulator must survive); only a power loss could drop the last
        // commits. FULL would fsync every write and make bulk loads ~10x slower.
        // secure_delete: a deleted or replaced row (an older state's clear secret) is overwritten
        // with zeros instead of lingering in free pages of the file.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try migrator.migrate(pool)
    }

    /// The state file exists with mode 0600 before SQLite opens it (SQLite then gives its WAL and
    /// shared-memory files the same mode), in a folder made 0700 when we make it. An existing
    /// state, its WAL and SHM, and its own folder when it is the `sim` folder of the usual layout,
    /// are narrowed when wider, each with a notice (`PrivateFiles.noticeHandler`).
    private static func preparePrivateFiles(_ path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try PrivateFiles.makeFolders(dir)
            if (dir as NSString).lastPathComponent == "sim" { PrivateFiles.tighten(dir, to: PrivateFiles.folderMode) }
        }
        try PrivateFiles.createFile(path)
        for p in [path, path + "-wal", path + "-shm"] { PrivateFiles.tighten(p, to: PrivateFiles.fileMode) }
    }

    private var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-objects") { db in
            try db.execute(sql: """
                CREATE TABLE object (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    parentId TEXT,
                    orgId TEXT,
                    name TEXT NOT NULL,
                    body BLOB NOT NULL,
                    version INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    created REAL NOT NULL,
                    updated REAL NOT NULL);
                CREATE INDEX object_kind_seq ON object(kind, seq);
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                """)
        }
        return m
    }

    /// Every object, in insertion order.
    func loadAll() throws -> [StoredObject] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, parentId, orgId, name, body, version, seq, created, updated FROM object ORDER BY seq").map { row in
                let body: Data = row["body"]
                return StoredObject(
                    kind: row["kind"], id: row["id"], parentId: row["parentId"], orgId: row["orgId"], name: row["name"],
                    body: body, json: (try? JSONValue.parse(body)) ?? .null, version: row["version"], seq: row["seq"],
                    created: row["created"], updated: row["updated"])
            }
        }
    }

    func loadMeta() throws -> [String: String] {
        try pool.read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") { out[row["key"]] = row["value"] }
            return out
        }
    }

    /// The meta key of the simulated clock's reading at the last commit (seconds since 1970).
    static let clockKey = "clock.virtual"
    /// Reads the simulated clock; every commit stores its reading under `clockKey`, so that no time
    /// stored in the state (task starts, guests' plans, creation timestamps) is ever ahead of the
    /// clock of a simulator that opens it later (`Simulator.init` moves its clock to it).
    var clockReading: (() -> Double)?

    /// Writes one batch of changes atomically: upserts, deletions, meta values.
    func commit(upserts: [StoredObject], deletions: [String], meta: [String: String], wipe: Bool = false) throws {
        var meta = meta
        if let clockReading { meta[Self.clockKey] = String(clockReading()) }
        try pool.write { db in
            if wipe {
                try db.execute(sql: "DELETE FROM object")
                try db.execute(sql: "DELETE FROM meta")
            }
            for id in deletions { try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [id]) }
            for o in upserts {
                try db.execute(
                    sql: """
                        INSERT INTO object (id, kind, parentId, orgId, name, body, version, seq, created, updated)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, parentId=excluded.parentId, orgId=excluded.orgId,
                          name=excluded.name, body=excluded.body, version=excluded.version, updated=excluded.updated
                        """,
                    arguments: [o.id, o.kind, o.parentId, o.orgId, o.name, o.body, o.version, o.seq, o.created, o.updated])
            }
            for (k, v) in meta {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", arguments: [k, v])
            }
        }
    }

    /// Moves the WAL's content into the main file and empties the WAL, so that rows rewritten by an
    /// upgrade (clear secrets of an older state) do not survive in old WAL frames.
    func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// `PRAGMA integrity_check`, for tests and `sim status`.
    func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "?" }
    }
}
