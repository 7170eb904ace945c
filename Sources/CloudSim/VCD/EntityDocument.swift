import CloudWire
import Foundation

/// A runtime defined entity as stored and answered: the wire fields in `DefinedEntity`'s order
/// (`id, entityType, name, externalId, entity, state, owner, org, message`) and the `entity` body
/// in the order the client wrote it. VCD stores the body a client PUTs and returns it as stored;
/// decoding it into the Codable `DefinedEntity` (Foundation keeps no key order) would shuffle it,
/// so the body is read from the request as an ordered document and written back with it.
enum EntityDocument {
    /// The `entity` member of a request body, in its order (nil when absent).
    static func body(of request: HTTPRequestMessage) -> JSONValue? {
        (try? JSONValue.parse(request.body))?["entity"]
    }

    /// The `entity` member of a stored entity, in its stored order.
    static func body(of stored: StoredObject) -> JSONValue? { stored.json["entity"] }

    /// The document to store for `e`, whose `entity` is `body`.
    static func document(_ e: DefinedEntity, body: JSONValue?) -> JSONValue {
        var o = JSONObject()
        o["id"] = e.id.map(JSONValue.string)
        o["entityType"] = e.entityType.map(JSONValue.string)
        o["name"] = e.name.map(JSONValue.string)
        o["externalId"] = e.externalId.map(JSONValue.string)
        o["entity"] = body
        o["state"] = e.state.map(JSONValue.string)
        o["owner"] = e.owner.map(reference)
        o["org"] = e.org.map(reference)
        o["message"] = e.message.map(JSONValue.string)
        return .object(o)
    }

    /// What `POST /entities/{id}/resolve` answers: `{id, entity, state, message}`.
    static func resolution(id: String, body: JSONValue?, state: String, message: String?) -> JSONValue {
        var o: JSONObject = ["id": .string(id), "entity": body ?? .null, "state": .string(state)]
        o["message"] = message.map(JSONValue.string)
        return .object(o)
    }

    private static func reference(_ r: OpenAPIReference) -> JSONValue {
        var o = JSONObject()
        o["name"] = r.name.map(JSONValue.string)
        o["id"] = r.id.map(JSONValue.string)
        return .object(o)
    }
}
