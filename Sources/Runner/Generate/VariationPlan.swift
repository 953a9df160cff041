import Core
import Foundation
import Store

/// One variation to make: a base input, for a persona, with a strategy.
struct PlannedVariation: Sendable {
    let baseIndex: Int
    let base: InputEntry
    let persona: Persona?
    let strategy: VariationStrategy

    /// The entry's metadata: who and how, then where it came from, then the base input's own keys.
    func metadata(extra: [(key: String, value: JSON)] = []) -> JSON {
        var members: [(key: String, value: JSON)] = [
            ("persona", persona.map { .string($0.name) } ?? .null),
            ("persona_description", persona.map { .string($0.description) } ?? .null),
            ("strategy", .string(strategy.rawValue)),
            ("base_index", .int(baseIndex)),
            ("source_input", .string(base.input)),
        ]
        members += extra
        let taken = Set(members.map(\.key))
        for (key, value) in base.metadata.objectValue ?? [] where !taken.contains(key) && key != "metadata" {
            members.append((key, value))
        }
        return .object(members)
    }
}

enum VariationPlan {
    /// Base input × persona × strategy, in that order, cut at `limit`. A base input that names a declared
    /// persona is varied for that persona only.
    static func make(baseInputs: [InputEntry], personas: [Persona], strategies: [VariationStrategy], limit: Int?) -> [PlannedVariation] {
        var plan: [PlannedVariation] = []
        for (index, base) in baseInputs.enumerated() {
            let who: [Persona?]
            if let name = base.personaName, let persona = personas.first(where: { $0.name == name }) {
                who = [persona]
            } else {
                who = personas.isEmpty ? [nil] : personas.map { Optional($0) }
            }
            for persona in who {
                for strategy in strategies {
                    if let limit, plan.count >= limit { return plan }
                    plan.append(PlannedVariation(baseIndex: index, base: base, persona: persona, strategy: strategy))
                }
            }
        }
        return plan
    }
}

/// A generated input as the inputs file holds it.
struct GeneratedInput: Sendable {
    var input: String
    var metadata: JSON
}

/// FluxLoop's inputs file: `generated_at`, `metadata`, then `inputs` (each `input` and its `metadata`).
enum InputsFile {
    static func render(_ inputs: [GeneratedInput], metadata: JSON, generatedAt: Date) -> String {
        let document = JSON.object([
            ("generated_at", .string(timestamp(generatedAt))),
            ("metadata", metadata),
            ("inputs", .array(inputs.map { .object([("input", .string($0.input)), ("metadata", $0.metadata)]) })),
        ])
        return YAMLWriter.yaml(document)
    }

    /// `SOURCE_DATE_EPOCH` when set (reproducible files), else now.
    static func generationTime(environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let text = environment["SOURCE_DATE_EPOCH"], let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        return Date()
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
